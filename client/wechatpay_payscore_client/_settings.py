"""Merchant configuration from environment variables or a TOML file, for the command line and twelve-factor apps.

    WECHATPAY_MCHID                   merchant id (digits)
    WECHATPAY_SERIAL_NO               merchant API certificate serial (upper-case hex)
    WECHATPAY_PRIVATE_KEY             path of the merchant API private key (PEM), or the PEM text itself
    WECHATPAY_PRIVATE_KEY_PASSWORD    its password, when the key is encrypted
    WECHATPAY_PUBLIC_KEY_ID           WeChat Pay public key id (PUB_KEY_ID_...), public-key mode
    WECHATPAY_PUBLIC_KEY              path of that public key (PEM), or the PEM text
    WECHATPAY_PLATFORM_CERTIFICATES   path(s) of platform certificates, comma-separated (certificate mode; the
                                      serial is read from each certificate)
    WECHATPAY_BASE_URL                default https://api.mch.weixin.qq.com
    WECHATPAY_BACKUP_BASE_URL         where retries go once the primary host is unreachable (optional)
    WECHATPAY_TIMEOUT                 seconds (default 10)
    WECHATPAY_MAX_ATTEMPTS            1 = no retries (default)

A TOML file holds the same settings in lower case without the prefix, under a `[wechatpay]` table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from wechatpay_auth import ConfigurationError, load_certificate

from ._factory import PRIMARY_BASE_URL, WechatPayClient, create_client
from ._transport import RetryPolicy

__all__ = ["ENV_PREFIX", "ClientSettings"]

ENV_PREFIX = "WECHATPAY_"
_FIELDS = (
    "mchid",
    "serial_no",
    "private_key",
    "private_key_password",
    "public_key_id",
    "public_key",
    "platform_certificates",
    "base_url",
    "backup_base_url",
    "timeout",
    "max_attempts",
)


def _pem_or_path(value: str) -> str | bytes:
    """PEM text is used as it is; anything else names a file."""
    return value.encode() if value.lstrip().startswith("-----BEGIN") else value


@attrs.frozen
class ClientSettings:
    """Everything `create_client()` needs, as plain strings (paths or PEM text for keys); secrets kept out of repr."""

    mchid: str | None = None
    serial_no: str | None = None
    private_key: str | None = attrs.field(default=None, repr=False)
    private_key_password: str | None = attrs.field(default=None, repr=False)
    public_key_id: str | None = None
    public_key: str | None = attrs.field(default=None, repr=False)
    platform_certificates: tuple[str, ...] = ()
    base_url: str = PRIMARY_BASE_URL
    backup_base_url: str | None = None
    timeout: float = 10.0
    max_attempts: int = 1

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, source: str) -> ClientSettings:
        """Build from lower-case names (a TOML table, or the environment with the prefix removed)."""
        unknown = sorted(set(values) - set(_FIELDS))
        if unknown:
            raise ConfigurationError(f"{source}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(_FIELDS)}")
        kwargs: dict[str, Any] = {}
        for name, value in values.items():
            if value in (None, ""):
                continue
            if name == "platform_certificates":
                items = value if isinstance(value, list | tuple) else str(value).split(",")
                kwargs[name] = tuple(str(item).strip() for item in items if str(item).strip())
            elif name in ("timeout", "max_attempts"):
                try:
                    kwargs[name] = float(value) if name == "timeout" else int(value)
                except (TypeError, ValueError):
                    raise ConfigurationError(f"{source}: {name} must be a number, got {value!r}") from None
            else:
                kwargs[name] = str(value)
        return cls(**kwargs)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ClientSettings:
        env = os.environ if environ is None else environ
        values = {name: env.get(ENV_PREFIX + name.upper()) for name in _FIELDS}
        return cls.from_mapping({k: v for k, v in values.items() if v is not None}, source="environment")

    @classmethod
    def from_file(cls, path: str | Path) -> ClientSettings:
        import tomllib  # noqa: PLC0415 - only for a configuration file

        file = Path(path)
        try:
            document = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigurationError(f"cannot read configuration file {file}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"configuration file {file} is not valid TOML: {exc}") from None
        table = document.get("wechatpay")
        if not isinstance(table, dict):
            raise ConfigurationError(f"configuration file {file} has no [wechatpay] table")
        return cls.from_mapping(table, source=str(file))

    @classmethod
    def load(
        cls, *, config_file: str | Path | None = None, environ: Mapping[str, str] | None = None, **flags: Any
    ) -> ClientSettings:
        """Settings from a TOML file, overridden by the environment, overridden by explicit values (flags)."""
        settings = cls.from_file(config_file) if config_file else cls()
        env = os.environ if environ is None else environ
        from_env = {name: env[ENV_PREFIX + name.upper()] for name in _FIELDS if env.get(ENV_PREFIX + name.upper())}
        if from_env:
            explicit = cls.from_mapping(from_env, source="environment")
            settings = settings.override(**{name: getattr(explicit, name) for name in from_env})
        return settings.override(**flags)

    def override(self, **values: Any) -> ClientSettings:
        """These settings with every non-empty value of `values` in place of the current one."""
        return attrs.evolve(self, **{k: v for k, v in values.items() if v not in (None, "", ())})

    def wechatpay_public_keys(self) -> dict[str, Any]:
        """The serial → key map: the public key under its id, and each platform certificate under its own serial."""
        keys: dict[str, Any] = {}
        if self.public_key_id or self.public_key:
            if not (self.public_key_id and self.public_key):
                raise ConfigurationError(
                    "public-key mode needs both WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY (path or PEM)"
                )
            keys[self.public_key_id] = _pem_or_path(self.public_key)
        for certificate in self.platform_certificates:
            loaded = load_certificate(_pem_or_path(certificate))
            keys[loaded.serial] = loaded
        if not keys:
            raise ConfigurationError(
                "no WeChat Pay key to verify answers with: set WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY "
                "(public-key mode) and/or WECHATPAY_PLATFORM_CERTIFICATES (certificate mode)"
            )
        return keys

    def create_client(self, **options: Any) -> WechatPayClient:
        """`create_client()` with these settings; `options` are passed on (e.g. `retry=`, `transport=`)."""
        missing = [
            ENV_PREFIX + name.upper() for name in ("mchid", "serial_no", "private_key") if not getattr(self, name)
        ]
        if missing:
            raise ConfigurationError(f"missing setting(s): {', '.join(missing)}")
        settings: dict[str, Any] = {
            "mchid": str(self.mchid),
            "serial_no": str(self.serial_no),
            "private_key": _pem_or_path(str(self.private_key)),
            "private_key_password": self.private_key_password,
            "wechatpay_public_keys": self.wechatpay_public_keys(),
            "base_url": self.base_url,
            "backup_base_url": self.backup_base_url,
            "timeout": self.timeout,
            "retry": RetryPolicy(max_attempts=self.max_attempts),
        }
        return create_client(**{**settings, **options})
