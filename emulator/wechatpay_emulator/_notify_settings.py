"""How notifications are delivered, changeable while running: where to, how fast the retries come, how long a
receiver may take to answer, and which WeChat Pay key signs them. `reset()` returns to the configured values."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from ._errors import ControlError

__all__ = [
    "DEFAULT_NOTIFICATION_TIMEOUT",
    "MAX_NOTIFICATION_TIMEOUT",
    "MAX_TIME_SCALE",
    "SIGNERS",
    "NotificationSettings",
    "check_notify_url",
    "check_signer",
    "check_time_scale",
    "check_timeout",
]

# "需在5秒内完成对报文的验签, 并应答回调通知" (O-cb-paid, O-cb-prepay): a receiver's deadline.
DEFAULT_NOTIFICATION_TIMEOUT = 5.0
# A minute: more than any deadline worth testing, short enough that a mistake cannot stall the deliveries.
MAX_NOTIFICATION_TIMEOUT = 60.0
# Slower than real time is allowed (to watch a schedule), but bounded so a retry stays within a lifetime.
MAX_TIME_SCALE = 1000.0
# Which WeChat Pay key signs notifications: the platform certificate's (its hex serial in `Wechatpay-Serial`) or
# the WeChat Pay public key (`PUB_KEY_ID_…`).
SIGNERS = ("platform_certificate", "public_key")
_MAX_URL = 2048


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ControlError(f"{name} must be a finite number")
    return float(value)


def check_time_scale(value: object) -> float:
    """A time scale: a finite number, 0 < scale ≤ `MAX_TIME_SCALE` (0.001 makes the 15 s retry 15 ms)."""
    scale = _number("time_scale", value)
    if not 0 < scale <= MAX_TIME_SCALE:
        raise ControlError(f"time_scale must be above 0 and at most {MAX_TIME_SCALE:g}")
    return scale


def check_timeout(value: object) -> float:
    """A receiver's deadline in seconds: a finite number, 0 < timeout ≤ `MAX_NOTIFICATION_TIMEOUT`."""
    timeout = _number("timeout", value)
    if not 0 < timeout <= MAX_NOTIFICATION_TIMEOUT:
        raise ControlError(f"timeout must be above 0 and at most {MAX_NOTIFICATION_TIMEOUT:g} seconds")
    return timeout


def check_notify_url(value: object) -> str | None:
    """None (each order's own `notify_url`) or an absolute `http(s)://` URL. Whether it may be contacted (loopback
    only) is decided per delivery, which records a refusal rather than failing here."""
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= _MAX_URL:
        raise ControlError(f"notify_url must be a URL of at most {_MAX_URL} characters, or null")
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, UnicodeError):
        raise ControlError(f"notify_url {value!r} is not a URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ControlError(f"notify_url {value!r} must be an absolute http:// or https:// URL")
    return value


def check_signer(value: object, available: tuple[str, ...]) -> str:
    """One of `SIGNERS` that is configured (`available`)."""
    if value not in SIGNERS:
        raise ControlError(f"signer must be one of {list(SIGNERS)}, not {value!r}")
    assert isinstance(value, str)  # noqa: S101 - one of SIGNERS
    if value not in available:
        raise ControlError(f"signer {value!r} has no key configured; configured: {list(available)}")
    return value


@attrs.frozen(kw_only=True)
class NotificationSettings:
    """`notify_url`: where every order's notifications go instead of its own `notify_url` (None: its own);
    `time_scale`: the factor of the retry schedule's delays; `timeout`: how long a receiver may take to answer
    (seconds, not scaled: a scaled 5 ms deadline would time out real loopback HTTP); `signer`: which WeChat Pay
    key signs (`platform_certificate` or `public_key`); `available`: the signers configured."""

    notify_url: str | None = None
    time_scale: float = 1.0
    timeout: float = DEFAULT_NOTIFICATION_TIMEOUT
    signer: str
    available: tuple[str, ...] = attrs.field(repr=False)

    def updated(self, changes: Mapping[str, Any]) -> NotificationSettings:
        """These settings with `changes` (any of `notify_url`, `time_scale`, `timeout`, `signer`) applied, each
        checked; `ControlError` for an unknown key or a bad value, and nothing changes."""
        unknown = set(changes) - {"notify_url", "time_scale", "timeout", "signer"}
        if unknown:
            raise ControlError(f"unknown notification setting(s) {sorted(unknown)}")
        values: dict[str, Any] = {}
        if "notify_url" in changes:
            values["notify_url"] = check_notify_url(changes["notify_url"])
        if "time_scale" in changes:
            values["time_scale"] = check_time_scale(changes["time_scale"])
        if "timeout" in changes:
            values["timeout"] = check_timeout(changes["timeout"])
        if "signer" in changes:
            values["signer"] = check_signer(changes["signer"], self.available)
        return attrs.evolve(self, **values)

    def to_json(self) -> dict[str, Any]:
        """The JSON form served by `/_emulator/notifications/settings` (without the signer's serial)."""
        return {
            "notify_url": self.notify_url,
            "time_scale": self.time_scale,
            "timeout": self.timeout,
            "signer": self.signer,
        }
