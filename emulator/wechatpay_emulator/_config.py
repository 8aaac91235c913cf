"""The emulator's identity and limits: which merchant it knows, which WeChat Pay keys it signs answers and
notifications with, the APIv3 key it encrypts notification resources with, and how notifications are delivered."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from typing import Any

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from . import demo
from ._apiv3 import ApiV3Key, ApiV3KeyInput, read_apiv3_key_file
from ._errors import ConfigError, ControlError
from ._keys import (
    PrivateKeyInput,
    certificate_serial,
    load_certificate,
    load_private_key,
    load_public_key,
    public_key_pem,
    read_pem_file,
)
from ._log import DEFAULT_REQUEST_LOG_CAPACITY, MAX_REQUEST_LOG_CAPACITY
from ._notify_settings import (
    DEFAULT_NOTIFICATION_TIMEOUT,
    SIGNERS,
    NotificationSettings,
    check_notify_url,
    check_signer,
    check_time_scale,
    check_timeout,
)
from ._orders import Order
from ._ratelimit import check_rate

__all__ = ["DEFAULT_BODY_LIMIT", "TIMESTAMP_TOLERANCE", "EmulatorConfig", "system_clock"]

# 64 KiB: a sync body is a few hundred bytes; anything near this is a client bug or an attack.
DEFAULT_BODY_LIMIT = 64 * 1024
# WeChat Pay refuses a request timestamp more than 5 minutes off.
TIMESTAMP_TOLERANCE = 300
_PUB_KEY_ID = re.compile(r"PUB_KEY_ID_[0-9]+")
_HEX_SERIAL = re.compile(r"[0-9A-F]+")


def system_clock() -> int:
    """Unix time in seconds."""
    return int(time.time())


def _private_key_or_none(value: PrivateKeyInput | None) -> RSAPrivateKey | None:
    return None if value is None else load_private_key(value)


def _certificate_or_none(value: x509.Certificate | bytes | str | None) -> x509.Certificate | None:
    return None if value is None else load_certificate(value)


def _orders(value: tuple[Order, ...] | list[Order]) -> tuple[Order, ...]:
    return tuple(value)


def _demo_apiv3_key() -> ApiV3Key:
    return read_apiv3_key_file(demo.demo_apiv3_key_path())


def _apiv3_key(value: ApiV3KeyInput | None) -> ApiV3Key:
    # None: the TEST-ONLY demo key, so that notifications work out of the box (and say so: `apiv3_key_path`).
    return _demo_apiv3_key() if value is None else ApiV3Key(value)


def _path_or_none(value: str | os.PathLike[str] | None) -> str | None:
    return None if value is None else os.fspath(value)


@attrs.frozen(kw_only=True)
class EmulatorConfig:
    """What the emulator knows: the merchant (mchid, API certificate serial, public key or certificate) and the
    WeChat Pay side — a public key (`PUB_KEY_ID_…`), a platform certificate key (hex serial), or both, as during a
    migration. Keys may be given as `cryptography` objects or PEM. Private keys never appear in `repr`.

    `clock` (Unix seconds) signs answers and notifications and judges request timestamps: tests pass a fixed one
    instead of sleeping. `rate_limit` (requests per second per merchant, None: none) and `request_log_capacity`
    (the newest requests kept, 10 000 by default, at most `MAX_REQUEST_LOG_CAPACITY` = 1 000 000) are where
    `reset()` returns to; both can be changed while running.

    Notifications: `apiv3_key` (32 bytes, `str` or `bytes`; never shown) encrypts their resources — None: the
    TEST-ONLY demo key; `apiv3_key_path` is where it was read from, printed and served instead of the key (set for
    the demo key and by `from_files`). `notify_url` sends every order's notifications there instead of the order's
    own; `notification_time_scale` multiplies the retry schedule's delays (0.001: 15 s become 15 ms);
    `notification_timeout` is a receiver's deadline in seconds (5, not scaled); `notification_signer` is the key
    that signs them, `"platform_certificate"` or `"public_key"` (None: the platform certificate when configured,
    else the public key). All four are where `reset()` returns to, and can be changed while running.
    """

    mchid: str
    merchant_serial: str
    merchant_public_key: RSAPublicKey = attrs.field(converter=load_public_key, repr=False)
    wechatpay_private_key: RSAPrivateKey | None = attrs.field(default=None, converter=_private_key_or_none, repr=False)
    wechatpay_key_id: str | None = None
    platform_private_key: RSAPrivateKey | None = attrs.field(default=None, converter=_private_key_or_none, repr=False)
    platform_serial: str | None = None
    platform_certificate: x509.Certificate | None = attrs.field(
        default=None, converter=_certificate_or_none, repr=False
    )
    clock: Callable[[], int] | None = None
    body_limit: int = DEFAULT_BODY_LIMIT
    orders: tuple[Order, ...] = attrs.field(default=(), converter=_orders)
    demo_keys: bool = False
    rate_limit: int | None = None
    request_log_capacity: int = DEFAULT_REQUEST_LOG_CAPACITY
    apiv3_key: ApiV3Key = attrs.field(default=None, converter=_apiv3_key, repr=False)
    apiv3_key_path: str | None = attrs.field(default=None, converter=_path_or_none)
    notify_url: str | None = None
    notification_time_scale: float = 1.0
    notification_timeout: float = DEFAULT_NOTIFICATION_TIMEOUT
    notification_signer: str | None = None

    def __attrs_post_init__(self) -> None:  # noqa: PLR0912 - one check per rule, in order
        if not self.mchid or not self.merchant_serial:
            raise ConfigError("mchid and merchant_serial are required")
        if (self.wechatpay_private_key is None) != (self.wechatpay_key_id is None):
            raise ConfigError("the WeChat Pay public key needs both wechatpay_private_key and wechatpay_key_id")
        if self.wechatpay_key_id is not None and not _PUB_KEY_ID.fullmatch(self.wechatpay_key_id):
            raise ConfigError("wechatpay_key_id must look like PUB_KEY_ID_ followed by digits")
        if self.platform_certificate is not None:
            serial = certificate_serial(self.platform_certificate)
            if self.platform_serial is None:
                object.__setattr__(self, "platform_serial", serial)
            elif self.platform_serial != serial:
                raise ConfigError(f"platform_serial {self.platform_serial} is not the certificate's serial {serial}")
        if (self.platform_private_key is None) != (self.platform_serial is None):
            raise ConfigError("the platform certificate key needs both platform_private_key and platform_serial")
        if self.platform_serial is not None and not _HEX_SERIAL.fullmatch(self.platform_serial):
            raise ConfigError("platform_serial must be upper-case hexadecimal")
        if self.wechatpay_private_key is None and self.platform_private_key is None:
            raise ConfigError("configure a WeChat Pay public key, a platform certificate key, or both")
        if (
            self.platform_certificate is not None
            and self.platform_private_key is not None
            and public_key_pem(load_public_key(self.platform_certificate))
            != public_key_pem(self.platform_private_key.public_key())
        ):
            raise ConfigError("the platform certificate does not belong to platform_private_key")
        if self.body_limit < 1:
            raise ConfigError("body_limit must be positive")
        capacity = self.request_log_capacity
        if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_REQUEST_LOG_CAPACITY:
            raise ConfigError(f"request_log_capacity must be an integer from 1 to {MAX_REQUEST_LOG_CAPACITY}")
        try:
            check_rate(self.rate_limit)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        if self.apiv3_key_path is None and self.apiv3_key == _demo_apiv3_key():
            object.__setattr__(self, "apiv3_key_path", str(demo.demo_apiv3_key_path()))
        try:
            check_notify_url(self.notify_url)
            check_time_scale(self.notification_time_scale)
            check_timeout(self.notification_timeout)
            if self.notification_signer is not None:
                check_signer(self.notification_signer, self.signers())
        except ControlError as exc:
            raise ConfigError(f"notification setting: {exc}") from None

    @classmethod
    def demo(cls, **overrides: Any) -> EmulatorConfig:
        """TEST ONLY: the built-in demo identity (public keys!) with the seed's example order; see `demo`."""
        values: dict[str, Any] = {
            "mchid": demo.DEMO_MCHID,
            "merchant_serial": demo.DEMO_MERCHANT_SERIAL,
            "merchant_public_key": demo.demo_merchant_public_key_path().read_bytes(),
            "wechatpay_private_key": demo.demo_wechatpay_private_key_path().read_bytes(),
            "wechatpay_key_id": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
            "platform_private_key": demo.demo_platform_private_key_path().read_bytes(),
            "platform_certificate": demo.demo_platform_certificate_path().read_bytes(),
            "orders": (demo.DEMO_ORDER,),
            "demo_keys": True,
        }
        values.update(overrides)
        return cls(**values)

    @classmethod
    def from_files(
        cls,
        *,
        mchid: str,
        merchant_serial: str,
        merchant_public_key: str,
        wechatpay_private_key: str | None = None,
        wechatpay_key_id: str | None = None,
        platform_private_key: str | None = None,
        platform_serial: str | None = None,
        platform_certificate: str | None = None,
        apiv3_key_file: str | None = None,
        **others: Any,
    ) -> EmulatorConfig:
        """A configuration whose keys and certificates are read from PEM files, and the APIv3 key from a file of
        its 32 characters (one trailing line end ignored; None: the TEST-ONLY demo key)."""
        if apiv3_key_file is not None:
            others = {**others, "apiv3_key": read_apiv3_key_file(apiv3_key_file), "apiv3_key_path": apiv3_key_file}
        return cls(
            mchid=mchid,
            merchant_serial=merchant_serial,
            merchant_public_key=read_pem_file(merchant_public_key),
            wechatpay_private_key=None if wechatpay_private_key is None else read_pem_file(wechatpay_private_key),
            wechatpay_key_id=wechatpay_key_id,
            platform_private_key=None if platform_private_key is None else read_pem_file(platform_private_key),
            platform_serial=platform_serial,
            platform_certificate=None if platform_certificate is None else read_pem_file(platform_certificate),
            **others,
        )

    def now(self) -> int:
        """The configured clock's time, Unix seconds."""
        return (self.clock or system_clock)()

    def signers(self) -> tuple[str, ...]:
        """The WeChat Pay keys configured to sign notifications, of `platform_certificate` and `public_key`."""
        configured = {
            "platform_certificate": self.platform_serial is not None,
            "public_key": self.wechatpay_key_id is not None,
        }
        return tuple(name for name in SIGNERS if configured[name])

    def notification_settings(self) -> NotificationSettings:
        """The configured notification settings (what `reset()` returns to)."""
        available = self.signers()
        return NotificationSettings(
            notify_url=self.notify_url,
            time_scale=self.notification_time_scale,
            timeout=self.notification_timeout,
            signer=self.notification_signer or available[0],
            available=available,
        )

    def uses_demo_material(self) -> bool:
        """Whether any TEST-ONLY demo key is configured (the command then prints its warning)."""
        return (
            self.demo_keys
            or self._is_demo_wechatpay_key()
            or self._is_demo_certificate()
            or self.apiv3_key == _demo_apiv3_key()
        )

    def client_settings(self) -> dict[str, str]:
        """What a client needs, as `name=value` pairs: the lines `wechatpay-emulator` prints after its URL, and the
        keys `GET /_emulator/config` serves them under.

        `mchid`, `merchant_serial_no`; with the built-in demo merchant, `merchant_private_key_path` (TEST-ONLY);
        `wechatpay_public_key_id` and `platform_serial` when configured, each with the path of its public key /
        certificate when it is the built-in demo one (`wechatpay_public_key_path`, `platform_certificate_path`);
        `apiv3_key_path`, the file the APIv3 key was read from (the TEST-ONLY demo key's when none was configured;
        absent when the key was given as a value). Never a key itself.
        """
        data = {"mchid": self.mchid, "merchant_serial_no": self.merchant_serial}
        if self.demo_keys:
            data["merchant_private_key_path"] = str(demo.demo_merchant_private_key_path())
        if self.wechatpay_key_id is not None:
            data["wechatpay_public_key_id"] = self.wechatpay_key_id
            if self._is_demo_wechatpay_key():
                data["wechatpay_public_key_path"] = str(demo.demo_wechatpay_public_key_path())
        if self.platform_serial is not None:
            data["platform_serial"] = self.platform_serial
            if self.platform_serial == demo.DEMO_PLATFORM_SERIAL and self._is_demo_certificate():
                data["platform_certificate_path"] = str(demo.demo_platform_certificate_path())
        if self.apiv3_key_path is not None:
            data["apiv3_key_path"] = self.apiv3_key_path
        return data

    def _is_demo_wechatpay_key(self) -> bool:
        return (
            self.wechatpay_key_id == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
            and self.wechatpay_private_key is not None
            and public_key_pem(self.wechatpay_private_key.public_key()).strip()
            == demo.demo_wechatpay_public_key_path().read_text(encoding="ascii").strip()
        )

    def _is_demo_certificate(self) -> bool:
        return self.platform_certificate is not None and self.platform_certificate == load_certificate(
            demo.demo_platform_certificate_path().read_bytes()
        )

    def public_material(self) -> dict[str, str | None]:
        """What `GET /_emulator/config` serves (public keys, ids and paths only): every `client_settings()` pair
        (`wechatpay_public_key_id`, `platform_serial` and `apiv3_key_path` null when absent), and the public keys
        themselves as PEM (`wechatpay_public_key_pem`, `platform_certificate_pem`, null when absent), which cannot
        be printed as one line. `demo_merchant_private_key_path` is the former name of `merchant_private_key_path`,
        kept for existing readers."""
        data: dict[str, str | None] = dict(self.client_settings())
        data.setdefault("wechatpay_public_key_id", None)
        data.setdefault("platform_serial", None)
        data.setdefault("apiv3_key_path", None)
        data["wechatpay_public_key_pem"] = (
            None if self.wechatpay_private_key is None else public_key_pem(self.wechatpay_private_key.public_key())
        )
        data["platform_certificate_pem"] = (
            None
            if self.platform_certificate is None
            else self.platform_certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
        )
        if self.demo_keys:
            data["demo_merchant_private_key_path"] = data["merchant_private_key_path"]
        return data
