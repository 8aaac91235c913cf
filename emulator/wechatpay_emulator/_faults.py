"""Faults on demand, for users' resilience tests: what can go wrong between a client and WeChat Pay."""

from __future__ import annotations

import enum
import itertools
import math
import threading
from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

import attrs

from ._errors import ControlError

__all__ = ["MAX_LATENCY", "Fault", "FaultBoard", "FaultKind", "FaultSpec", "InjectedFault"]

# An hour: longer than any client timeout worth testing, short enough that a mistaken value cannot hang a server.
MAX_LATENCY = 3600.0


class FaultKind(enum.StrEnum):
    """What a fault does. The phase a kind acts in is documented on each `Fault` constructor."""

    LATENCY = "latency"
    RATE_LIMITED = "rate_limited"
    SYSTEM_ERROR = "system_error"
    HTML_502 = "html_502"
    DROP_CONNECTION = "drop_connection"
    BAD_SIGNATURE = "bad_signature"
    MISSING_SIGNATURE = "missing_signature"
    STALE_SIGNATURE = "stale_signature"
    PROBE_SIGNATURE = "probe_signature"
    APPLY_THEN_DROP = "apply_then_drop"
    APPLY_THEN_500 = "apply_then_500"


# Kinds that answer before the request is checked at all: the request has no effect.
BEFORE_CHECKS = frozenset(
    {FaultKind.RATE_LIMITED, FaultKind.SYSTEM_ERROR, FaultKind.HTML_502, FaultKind.DROP_CONNECTION}
)
# Kinds that let the request be processed normally (state may change), then spoil the answer.
AFTER_APPLY = frozenset({FaultKind.APPLY_THEN_DROP, FaultKind.APPLY_THEN_500})
# Kinds that only change the response signature headers.
SIGNATURE = frozenset(
    {FaultKind.BAD_SIGNATURE, FaultKind.MISSING_SIGNATURE, FaultKind.STALE_SIGNATURE, FaultKind.PROBE_SIGNATURE}
)


@attrs.frozen(kw_only=True)
class Fault:
    """One fault. Build it with a constructor (`Fault.rate_limited(retry_after=2)`), then `Emulator.inject` it."""

    kind: FaultKind = attrs.field(converter=FaultKind)
    seconds: float = 0.0
    retry_after: int | None = None

    @classmethod
    def latency(cls, seconds: float) -> Fault:
        """Wait `seconds` before handling the request, then answer normally (a slow WeChat Pay: client timeouts)."""
        if not math.isfinite(seconds) or not 0 <= seconds <= MAX_LATENCY:
            raise ControlError(f"latency seconds must be a finite number from 0 to {MAX_LATENCY:g}, got {seconds!r}")
        return cls(kind=FaultKind.LATENCY, seconds=seconds)

    @classmethod
    def rate_limited(cls, retry_after: int | None = None) -> Fault:
        """A signed `429 FREQUENCY_LIMITED`, with `Retry-After` when given; the request has no effect."""
        if retry_after is not None and retry_after < 0:
            raise ControlError("retry_after must be >= 0")
        return cls(kind=FaultKind.RATE_LIMITED, retry_after=retry_after)

    @classmethod
    def system_error(cls) -> Fault:
        """A signed `500 SYSTEM_ERROR` before anything is applied ("retry later with the same parameters")."""
        return cls(kind=FaultKind.SYSTEM_ERROR)

    @classmethod
    def http_500(cls) -> Fault:
        """Alias of `system_error`."""
        return cls.system_error()

    @classmethod
    def html_502(cls) -> Fault:
        """An unsigned HTML `502 Bad Gateway` page, as a load balancer in front of WeChat Pay sends one."""
        return cls(kind=FaultKind.HTML_502)

    @classmethod
    def drop_connection(cls) -> Fault:
        """Close the connection without answering; the request has no effect."""
        return cls(kind=FaultKind.DROP_CONNECTION)

    @classmethod
    def bad_signature(cls) -> Fault:
        """Answer normally, but with a well-formed Base64 signature that does not verify."""
        return cls(kind=FaultKind.BAD_SIGNATURE)

    @classmethod
    def missing_signature(cls) -> Fault:
        """Answer normally, but without the `Wechatpay-Signature` header."""
        return cls(kind=FaultKind.MISSING_SIGNATURE)

    @classmethod
    def stale_signature(cls) -> Fault:
        """Answer normally, correctly signed, but with a `Wechatpay-Timestamp` 10 minutes in the past."""
        return cls(kind=FaultKind.STALE_SIGNATURE)

    @classmethod
    def probe_signature(cls) -> Fault:
        """Answer normally, with a `WECHATPAY/SIGNTEST/...` probe signature (not valid Base64) that must not verify."""
        return cls(kind=FaultKind.PROBE_SIGNATURE)

    @classmethod
    def apply_then_drop(cls) -> Fault:
        """Process the request (a valid sync makes the order DONE), then close the connection without answering."""
        return cls(kind=FaultKind.APPLY_THEN_DROP)

    @classmethod
    def apply_then_500(cls) -> Fault:
        """Process the request (a valid sync makes the order DONE), then answer a signed `500 SYSTEM_ERROR`."""
        return cls(kind=FaultKind.APPLY_THEN_500)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        """A fault from `{"kind": ..., "seconds": ..., "retry_after": ...}`."""
        kind = data.get("kind")
        try:
            fault_kind = FaultKind(str(kind))
        except ValueError:
            raise ControlError(f"unknown fault kind {kind!r}; one of {[k.value for k in FaultKind]}") from None
        if fault_kind is FaultKind.LATENCY:
            seconds = data.get("seconds")
            if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                raise ControlError("a latency fault needs a number of seconds")
            return cls.latency(float(seconds))
        if fault_kind is FaultKind.RATE_LIMITED:
            retry_after = data.get("retry_after")
            if retry_after is not None and (isinstance(retry_after, bool) or not isinstance(retry_after, int)):
                raise ControlError("retry_after must be an integer number of seconds or null")
            return cls.rate_limited(retry_after)
        return cls(kind=fault_kind)

    def to_json(self) -> dict[str, Any]:
        """The JSON form served by `/_emulator/faults`."""
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.kind is FaultKind.LATENCY:
            data["seconds"] = self.seconds
        if self.kind is FaultKind.RATE_LIMITED:
            data["retry_after"] = self.retry_after
        return data


class FaultSpec(Protocol):
    """What a board holds: a fault with a JSON form (`Fault` for API requests, `NotificationFault` for
    notifications)."""

    def to_json(self) -> dict[str, Any]:
        """The fault's JSON form."""
        ...


F = TypeVar("F", bound=FaultSpec)


@attrs.define(kw_only=True)
class InjectedFault(Generic[F]):
    """A fault waiting to fire: for `remaining` more requests (None: until cleared), to one order or any, for one
    operation (an `operationId`; for a notification fault, an event type) or any."""

    id: int
    fault: F
    remaining: int | None
    out_order_no: str | None
    operation: str | None = None

    def matches(self, out_order_no: str | None, operation: str | None) -> bool:
        """Whether a request to `out_order_no` by `operation` is one this fault is aimed at."""
        return (self.out_order_no is None or self.out_order_no == out_order_no) and (
            self.operation is None or self.operation == operation
        )

    def to_json(self, aim: str = "operation") -> dict[str, Any]:
        """The JSON form served by `/_emulator/faults` (`aim` names the `operation` key: `event_type` for the
        notification faults of `/_emulator/notifications/faults`)."""
        return {
            **self.fault.to_json(),
            "id": self.id,
            "times": self.remaining,
            "out_order_no": self.out_order_no,
            aim: self.operation,
        }


def _text_or_none(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise ControlError(f"{name} must be a string or null")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ControlError(f"{name} is not valid Unicode (a lone surrogate)") from None


class FaultBoard(Generic[F]):
    """The injected faults. Each API request (or notification attempt) takes at most one: the first injected that
    matches its order and its operation. `operations`, when given, are the operation ids a fault may be aimed at
    (the contract's; for notifications the event types); `aim` is what an operation is called in messages."""

    def __init__(self, operations: frozenset[str] | None = None, *, aim: str = "operation") -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._faults: list[InjectedFault[F]] = []
        self._operations = operations
        self._aim = aim

    def inject(
        self, fault: F, times: int | None = 1, out_order_no: str | None = None, operation: str | None = None
    ) -> int:
        """Arm `fault` for the next `times` matching requests (None: every one until cleared); returns its id.

        `out_order_no` aims it at requests naming that order (in the path, the query, or a create's body);
        `operation` at requests of that `operationId` (so that a fault meant for a complete does not fire on the
        query that reconciles it).
        """
        if isinstance(times, bool) or (times is not None and (not isinstance(times, int) or times < 1)):
            raise ControlError("times must be an integer >= 1, or None for every request until cleared")
        _text_or_none("out_order_no", out_order_no)
        _text_or_none(self._aim, operation)
        if operation is not None and self._operations is not None and operation not in self._operations:
            raise ControlError(f"{self._aim} {operation!r} is not one of: {sorted(self._operations)}")
        with self._lock:
            entry = InjectedFault[F](
                id=next(self._ids), fault=fault, remaining=times, out_order_no=out_order_no, operation=operation
            )
            self._faults.append(entry)
            return entry.id

    def take(
        self, out_order_no: str | None, operation: str | None = None, accept: Callable[[F], bool] | None = None
    ) -> F | None:
        """The fault for a request to `out_order_no` by `operation`, counting it as used; `accept` limits the
        search to the faults it accepts (those that act at this moment: a notification's duplicate when it is
        written, the others at each attempt)."""
        with self._lock:
            for entry in self._faults:
                if not entry.matches(out_order_no, operation) or (accept is not None and not accept(entry.fault)):
                    continue
                if entry.remaining is not None:
                    entry.remaining -= 1
                    if entry.remaining == 0:
                        self._faults.remove(entry)
                return entry.fault
        return None

    def active(self) -> list[InjectedFault[F]]:
        """The faults still armed (copies)."""
        with self._lock:
            return [attrs.evolve(entry) for entry in self._faults]

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults.clear()
