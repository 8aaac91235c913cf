"""`ClientSettings`: merchant configuration from flags, environment variables or a TOML file.

The options are those declared once in `_options.MerchantOptions`; each is read from (highest first)

    a command line flag          --serial-no                    (`load(**flags)`, `settings_from_args()`)
    an environment variable      WECHATPAY_SERIAL_NO
    a TOML file                  serial_no = "..." under [wechatpay]   (`load(config_file=...)`)

and every message names the one the operator used. The private key (a path or the PEM text) and its password are
held as `Secret`: never in a repr, an `attrs.asdict()` rendering or a pickle. `create_client()` loads the keys here,
so that a key problem names the setting (`WECHATPAY_PRIVATE_KEY is encrypted: ... WECHATPAY_PRIVATE_KEY_PASSWORD`).
The APIv3 key is a `Secret` too, given as the key (`WECHATPAY_APIV3_KEY`, `apiv3_key` in the file) or as a file
holding it (`--apiv3-key-file`, `WECHATPAY_APIV3_KEY_FILE`): whichever of the two comes from the higher source.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from cryptography.hazmat.primitives.asymmetric import rsa
from wechatpay_auth import (
    ApiV3Key,
    CertificateKey,
    ConfigurationError,
    load_certificate,
    load_private_key,
    load_public_key,
    shown,
)

from ._options import ENV_PREFIX, OPTIONS, MerchantOptions, Option, Secret, add_merchant_arguments, option_named
from ._urls import check_base_url

if TYPE_CHECKING:
    import argparse

    from ._factory import WechatPayClient

__all__ = ["ENV_PREFIX", "ClientSettings", "Secret", "add_merchant_arguments", "settings_from_args"]

_NAMES = tuple(option.name for option in OPTIONS)
# Two settings of one secret: the APIv3 key itself, or a file holding it. One of them is used (see `_one_apiv3_key`).
_APIV3_KEY_SETTINGS = ("apiv3_key", "apiv3_key_file")
# An APIv3 key file holds 32 characters and a line end: anything much larger is another file.
_MAX_APIV3_KEY_FILE_BYTES = 4096


# A file name that may be quoted: one line without control characters, of a length a real path has.
_PATH = re.compile(r"[^\x00-\x1f\x7f-\x9f]*")
_MAX_PATH_SHOWN = 255


def _path_may_show(path: str) -> bool:
    """Whether a file name may be quoted in a message: one line, not too long, no PEM marker (issue 14 #6)."""
    return len(path) <= _MAX_PATH_SHOWN and _PATH.fullmatch(path) is not None and "-----BEGIN" not in path


def _pem_or_path(value: str) -> str | bytes:
    """PEM text is used as it is; anything else names a file."""
    return value.encode() if value.lstrip().startswith("-----BEGIN") else value


def _without_line_end(data: bytes) -> bytes:
    """A key file's content without the one line end an editor (or `echo`) saves after the key."""
    for ending in (b"\r\n", b"\n"):
        if data.endswith(ending):
            return data[: -len(ending)]
    return data


def _one_apiv3_key(values: dict[str, Any], origins: dict[str, str], ranks: Mapping[str, int]) -> None:
    """Keep one of the APIv3 key's two settings: the one from the higher source (a flag over a variable over the
    file), so that `--apiv3-key-file` overrides a `WECHATPAY_APIV3_KEY`; both from one source is refused."""
    value, file = _APIV3_KEY_SETTINGS
    if value not in values or file not in values:
        return
    if ranks[value] == ranks[file]:
        raise ConfigurationError(
            f"the APIv3 key is set twice, by {origins[value]} and by {origins[file]}: set one of them"
        )
    lower = value if ranks[value] < ranks[file] else file
    del values[lower], origins[lower]


def _present(option: Option, value: Any) -> bool:
    """Whether a raw value counts as set; an empty one is "not set", except where it is an error (a URL)."""
    if value is None:
        return False
    return not (option.empty_allowed and value in ("", [], ()))


@attrs.frozen
class ClientSettings(MerchantOptions):
    """Everything `create_client()` needs, checked; secrets kept as `Secret`; where each value came from kept too.

    Build it directly (`ClientSettings(mchid=..., private_key="apiclient_key.pem")`, messages then use the
    library's names) or with `load()` / `from_env()` / `from_file()` (messages name the flag, the variable or the
    config key).
    """

    _origins: Mapping[str, str] = attrs.field(factory=dict, alias="origins", eq=False, repr=False)
    _for_operator: bool = attrs.field(default=False, alias="for_operator", eq=False, repr=False)

    def label(self, name: str) -> str:
        """What the operator typed to set `name`: a flag, a variable or `key in file`; the library's name otherwise."""
        return self._origins.get(name, name)

    def name_for(self, name: str) -> str:
        """What to call option `name` in a hint: where it was set, else its variable (for an operator) or its name."""
        if name in self._origins:
            return self._origins[name]
        return option_named(name).env if self._for_operator else name

    def _unset(self, name: str) -> str:
        """How to set an option that is missing, in the caller's terms."""
        return option_named(name).where() if self._for_operator else name

    # --- loading ------------------------------------------------------------------------------------------------

    @classmethod
    def _from_sources(cls, layers: list[tuple[Mapping[str, Any], Any]]) -> ClientSettings:
        """Settings from `(values, label_of)` layers, lowest precedence first; `label_of(option)` names a value."""
        values: dict[str, Any] = {}
        origins: dict[str, str] = {}
        ranks: dict[str, int] = {}
        for rank, (layer, label_of) in enumerate(layers):
            for option in OPTIONS:
                value = layer.get(option.name)
                if _present(option, value):
                    label = label_of(option)
                    # Parsed here, in the operator's terms, before it is stored anywhere.
                    values[option.name] = option.parse(value, label)
                    origins[option.name] = label
                    ranks[option.name] = rank
        _one_apiv3_key(values, origins, ranks)
        return cls(**values, origins=origins, for_operator=True)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, source: str) -> ClientSettings:
        """Settings from lower-case names (a TOML table); messages call each value `name in source`."""
        unknown = sorted(set(values) - set(_NAMES))
        if unknown:
            names = ", ".join(shown(name) for name in unknown)
            raise ConfigurationError(f"{source}: unknown setting(s) {names}; known: {', '.join(_NAMES)}")
        return cls._from_sources([(values, lambda option: f"{option.name} in {source}")])

    @staticmethod
    def _env_values(environ: Mapping[str, str] | None) -> dict[str, str]:
        env = os.environ if environ is None else environ
        return {option.name: env[option.env] for option in OPTIONS if option.env in env}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ClientSettings:
        """Settings from `WECHATPAY_*` variables (`os.environ` by default)."""
        return cls._from_sources([(cls._env_values(environ), lambda option: option.env)])

    @staticmethod
    def _file_values(path: str | Path) -> tuple[dict[str, Any], str]:
        import tomllib  # noqa: PLC0415 - only for a configuration file

        file = Path(path)
        # The name is quoted in every message about the file and its values: one that could be a key pasted in
        # place of a path (issue 14 #6) is described instead, and never opened.
        if not _path_may_show(str(path)):
            raise ConfigurationError(
                f"the configuration file (--config, config_file=) must be a file name; got {shown(str(path), _PATH)}"
            )
        try:
            document = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigurationError(f"cannot read configuration file {file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise ConfigurationError(f"configuration file {file} is not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            # tomllib's message names the line and column, never the text of the line.
            raise ConfigurationError(f"configuration file {file} is not valid TOML: {exc}") from None
        table = document.get("wechatpay")
        if not isinstance(table, dict):
            raise ConfigurationError(f"configuration file {file} has no [wechatpay] table")
        unknown = sorted(set(table) - set(_NAMES))
        if unknown:
            names = ", ".join(shown(name) for name in unknown)
            raise ConfigurationError(f"{file}: unknown setting(s) {names} in [wechatpay]; known: {', '.join(_NAMES)}")
        return table, str(file)

    @classmethod
    def from_file(cls, path: str | Path) -> ClientSettings:
        """Settings from the `[wechatpay]` table of a TOML file."""
        table, source = cls._file_values(path)
        return cls._from_sources([(table, lambda option: f"{option.name} in {source}")])

    @classmethod
    def load(
        cls, *, config_file: str | Path | None = None, environ: Mapping[str, str] | None = None, **flags: Any
    ) -> ClientSettings:
        """Settings from a TOML file, overridden by the environment, overridden by `flags` (values as typed).

        `flags` are keyed by option name (`serial_no=...`); messages call them by their flag (`--serial-no`).
        """
        # An absent value (None) of a name that is no option is ignored: parsers built from the fields may have one.
        unknown = sorted(name for name, value in flags.items() if name not in _NAMES and value is not None)
        flags = {name: value for name, value in flags.items() if name in _NAMES}
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(unknown)}")
        layers: list[tuple[Mapping[str, Any], Any]] = []
        if config_file:
            table, source = cls._file_values(config_file)
            layers.append((table, lambda option: f"{option.name} in {source}"))
        layers.append((cls._env_values(environ), lambda option: option.env))
        layers.append((flags, lambda option: option.flag_name or option.name))
        return cls._from_sources(layers)

    def override(self, **values: Any) -> ClientSettings:
        """These settings with every given, non-empty value in place of the current one."""
        given = {name: value for name, value in values.items() if value not in (None, "", ())}
        return attrs.evolve(self, **given, origins={**self._origins, **{name: name for name in given}})

    # --- composing a client -------------------------------------------------------------------------------------

    def _private_key(self) -> rsa.RSAPrivateKey:
        secret = self.private_key
        assert secret is not None  # checked by the caller  # noqa: S101
        password = self.private_key_password.reveal() if self.private_key_password is not None else None
        password_label = (
            self.label("private_key_password")
            if self.private_key_password is not None
            else self._unset("private_key_password")
        )
        return load_private_key(
            _pem_or_path(secret.reveal()),
            password=password,
            what=self.label("private_key"),
            password_what=password_label,
        )

    def load_apiv3_key(self) -> ApiV3Key | None:
        """The APIv3 key that decrypts notifications, checked (exactly 32 bytes); None when it is not set.

        Protocol rule: the key is the 32 characters set on the merchant platform (APIv3密钥). From `apiv3_key` as it
        is, or read from the file `apiv3_key_file` names without its one trailing line end. Messages name the setting
        and describe the key (its length), never show it; nor the file's name, which could be the key put there.
        """
        if self.apiv3_key is not None and self.apiv3_key_file is not None:
            raise ConfigurationError(
                f"the APIv3 key is set twice, by {self.label('apiv3_key')} and by {self.label('apiv3_key_file')}: "
                "set one of them"
            )
        if self.apiv3_key is not None:
            return ApiV3Key(self.apiv3_key.reveal(), what=self.label("apiv3_key"))
        if self.apiv3_key_file is None:
            return None
        label = self.label("apiv3_key_file")
        try:
            with open(self.apiv3_key_file.reveal(), "rb") as file:
                data = file.read(_MAX_APIV3_KEY_FILE_BYTES + 1)
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or "not a usable file name"
            raise ConfigurationError(
                f"cannot read the file {label} names (its name is not shown: it could be the key itself): {reason}"
            ) from None
        if len(data) > _MAX_APIV3_KEY_FILE_BYTES:
            raise ConfigurationError(
                f"the file {label} names holds more than {_MAX_APIV3_KEY_FILE_BYTES} bytes: it is not an APIv3 key "
                "file (the 32-character key, and at most a line end)"
            )
        return ApiV3Key(_without_line_end(data), what=f"the APIv3 key in the file {label} names")

    def wechatpay_public_keys(
        self, merchant_key: rsa.RSAPrivateKey | None = None
    ) -> dict[str, rsa.RSAPublicKey | CertificateKey]:
        """The serial → key map: the public key under its id, and each platform certificate under its serial.

        With `merchant_key`, a key that is the merchant's own (a swapped file) is refused, naming the setting.
        """
        keys: dict[str, rsa.RSAPublicKey | CertificateKey] = {}
        own = merchant_key.public_key().public_numbers() if merchant_key is not None else None
        if self.public_key_id or self.public_key:
            if not (self.public_key_id and self.public_key):
                missing = "public_key" if self.public_key_id else "public_key_id"
                raise ConfigurationError(
                    f"public-key mode needs both the key id and the key: {self._unset(missing)} is not set"
                )
            label = self.label("public_key")
            key = load_public_key(_pem_or_path(self.public_key), what=label)
            if own is not None and key.public_numbers() == own:
                raise ConfigurationError(
                    f"{label} is the merchant's own public key; expected WeChat Pay's public key (pub_key.pem), "
                    f"whose id is {self.label('public_key_id')}"
                )
            keys[self.public_key_id] = key
        for certificate in self.platform_certificates:
            label = self.label("platform_certificates")
            loaded = load_certificate(_pem_or_path(certificate), what=label)
            if loaded.serial == self.serial_no or (own is not None and loaded.public_key.public_numbers() == own):
                raise ConfigurationError(
                    f"{label}: certificate {loaded.serial} is the merchant's own API certificate; list WeChat Pay's "
                    "platform certificates here"
                )
            keys[loaded.serial] = loaded
        if not keys:
            raise ConfigurationError(
                "no WeChat Pay key to verify answers with: set "
                f"{self._unset('public_key_id')} and {self._unset('public_key')} (public-key mode) and/or "
                f"{self._unset('platform_certificates')} (certificate mode)"
            )
        return keys

    def client_options(self) -> dict[str, Any]:
        """The keyword arguments of `create_client()` these settings stand for, keys loaded and URLs checked."""
        from . import RetryPolicy  # noqa: PLC0415 - the package is complete by the time a client is built

        missing = [self._unset(name) for name in ("mchid", "serial_no", "private_key") if not getattr(self, name)]
        if missing:
            raise ConfigurationError(f"missing setting(s): {'; '.join(missing)}")
        merchant_key = self._private_key()
        arguments: dict[str, Any] = {
            option.keyword: getattr(self, option.name)
            for option in OPTIONS
            if option.keyword and getattr(self, option.name) not in (None, False)
        }
        arguments["private_key"] = merchant_key
        arguments["wechatpay_public_keys"] = self.wechatpay_public_keys(merchant_key)
        for name in ("base_url", "backup_base_url"):
            value = getattr(self, name)
            if value is not None:
                arguments[name] = check_base_url(self.label(name), value, allow_http=self.allow_insecure_http)
        if self.max_attempts is not None:
            arguments["retry"] = RetryPolicy(max_attempts=self.max_attempts)
        apiv3_key = self.load_apiv3_key()
        if apiv3_key is not None:
            arguments["apiv3_key"] = apiv3_key.reveal()
        return arguments

    def create_client(self, **options: Any) -> WechatPayClient:
        """`create_client()` with these settings; `options` (e.g. `reconcile=True`, `retry=`) are passed on."""
        from . import create_client  # noqa: PLC0415 - the package is complete by the time a client is built

        return create_client(**{**self.client_options(), **options})


def settings_from_args(args: argparse.Namespace, *, environ: Mapping[str, str] | None = None) -> ClientSettings:
    """The settings of a command whose parser got `add_merchant_arguments()`: flags over variables over --config."""
    # An option the parser left out (`exclude=`) is simply absent: the environment or the file may still set it.
    flags = {option.name: getattr(args, option.name, None) for option in OPTIONS if option.flag_name}
    return ClientSettings.load(config_file=getattr(args, "config", None), environ=environ, **flags)
