"""Faults of notifications, for receivers' tests: what WeChat Pay's deliveries do that a handler must survive.

One kind per row of the README's table. `duplicate` acts when the notification is written (it is delivered twice,
as when WeChat Pay switches links after an unclear first attempt); every other kind acts on one delivery attempt,
and the retries after it are sent as usual (so a receiver that refuses the spoiled attempt gets the notification
again, correctly signed, as WeChat Pay promises for probes).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from ._errors import ControlError

__all__ = ["AT_WRITE", "NotificationFault", "NotificationFaultKind"]


class NotificationFaultKind(enum.StrEnum):
    """What a notification fault does (see each `NotificationFault` constructor)."""

    DUPLICATE = "duplicate"
    PROBE_SIGNATURE = "probe_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    OTHER_KEY_SIGNATURE = "other_key_signature"
    WRONG_APIV3_KEY = "wrong_apiv3_key"
    TRUNCATED_CIPHERTEXT = "truncated_ciphertext"
    LATE_ANSWER = "late_answer"


# The kinds taken when a notification is written; the others are taken at each delivery attempt.
AT_WRITE = frozenset({NotificationFaultKind.DUPLICATE})


@attrs.frozen
class NotificationFault:
    """One notification fault. Build it with a constructor (`NotificationFault.probe_signature()`), then
    `Emulator.inject_notification_fault` it."""

    kind: NotificationFaultKind = attrs.field(converter=NotificationFaultKind)

    @classmethod
    def duplicate(cls) -> NotificationFault:
        """The notification is delivered twice (the same body and id, the second 1 s later on the scaled
        clock), each delivery with its own retries: handlers must be idempotent."""
        return cls(NotificationFaultKind.DUPLICATE)

    @classmethod
    def probe_signature(cls) -> NotificationFault:
        """One attempt carries a `WECHATPAY/SIGNTEST/…` probe signature (not valid Base64): it must not verify,
        and the receiver should answer 4xx/5xx; the retry is signed correctly."""
        return cls(NotificationFaultKind.PROBE_SIGNATURE)

    @classmethod
    def stale_timestamp(cls) -> NotificationFault:
        """One attempt is correctly signed over a `Wechatpay-Timestamp` 10 minutes old (beyond the 300 s window)."""
        return cls(NotificationFaultKind.STALE_TIMESTAMP)

    @classmethod
    def other_key_signature(cls) -> NotificationFault:
        """One attempt is signed with a key that is not the one its `Wechatpay-Serial` names."""
        return cls(NotificationFaultKind.OTHER_KEY_SIGNATURE)

    @classmethod
    def wrong_apiv3_key(cls) -> NotificationFault:
        """One attempt's resource is encrypted with another APIv3 key (correctly signed): decryption fails."""
        return cls(NotificationFaultKind.WRONG_APIV3_KEY)

    @classmethod
    def truncated_ciphertext(cls) -> NotificationFault:
        """One attempt's ciphertext lacks its last bytes (still valid Base64, correctly signed): the GCM tag fails."""
        return cls(NotificationFaultKind.TRUNCATED_CIPHERTEXT)

    @classmethod
    def late_answer(cls) -> NotificationFault:
        """One attempt's answer counts as arriving after the 5 s deadline, whatever it is: recorded, treated as a
        timeout, and the notification is sent again (a handler that did the work must not do it twice)."""
        return cls(NotificationFaultKind.LATE_ANSWER)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NotificationFault:
        """A fault from `{"kind": ...}`."""
        kind = data.get("kind")
        try:
            return cls(NotificationFaultKind(str(kind)))
        except ValueError:
            kinds = [item.value for item in NotificationFaultKind]
            raise ControlError(f"unknown notification fault kind {kind!r}; one of {kinds}") from None

    def to_json(self) -> dict[str, Any]:
        """The JSON form served by `/_emulator/notifications/faults`."""
        return {"kind": self.kind.value}
