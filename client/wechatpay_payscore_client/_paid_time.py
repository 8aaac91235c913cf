"""`paid_time`: what an operator types, turned into the contract's `yyyyMMddHHmmss` / `yyyyMMdd` in Beijing time.

WeChat Pay reads every time of the sync in Beijing time (UTC+8, no daylight saving). A `yyyyMMdd` value stands
for 00:00:00 of that day. A payment cannot have happened after its sync: `paid_time_not_in_future` is the rule
the client applies before sending (with a tolerance for a local clock that runs a little behind WeChat Pay's).
"""

from __future__ import annotations

import datetime
import time

__all__ = [
    "BEIJING",
    "DEFAULT_CLOCK_TOLERANCE_S",
    "latest_paid_time",
    "paid_time_moment",
    "paid_time_not_in_future",
    "parse_paid_time",
]

BEIJING = datetime.timezone(datetime.timedelta(hours=8), "Asia/Shanghai")
# The same tolerance WeChat Pay's own examples allow a merchant's clock; a minute is far beyond NTP drift.
DEFAULT_CLOCK_TOLERANCE_S = 60.0


def parse_paid_time(value: str, *, now: datetime.datetime | None = None) -> str:
    """The `paid_time` field (`yyyyMMddHHmmss` or `yyyyMMdd`, Beijing time) from what an operator types.

    Accepts `now`; `yyyyMMddHHmmss` or `yyyyMMdd` (sent as is); an ISO date; an ISO date-time with an offset
    (converted to Beijing time) or without one (taken as Beijing time). Raises `argparse.ArgumentTypeError`, so
    that it serves as an argparse `type=`; the message echoes the value only when it is short and printable.
    """
    text = value.strip()
    if text.lower() == "now":
        moment = now or datetime.datetime.now(tz=BEIJING)
        return moment.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
    if text.isascii() and text.isdigit() and len(text) in (8, 14):
        return text
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text).strftime("%Y%m%d")
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        shown = repr(value) if len(value) <= 40 and value.isprintable() else "(value not shown)"
        import argparse  # noqa: PLC0415 - only on the command line's error path

        raise argparse.ArgumentTypeError(
            f"--paid-time {shown}: expected now, yyyyMMddHHmmss, yyyyMMdd, or an ISO 8601 date or date-time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")


def paid_time_moment(value: str) -> datetime.datetime | None:
    """The instant a contract-shaped `paid_time` names (Beijing time; `yyyyMMdd` = 00:00:00), None if malformed."""
    if len(value) not in (8, 14) or not value.isascii() or not value.isdigit():
        return None
    # Sliced by hand: strptime costs more than the rest of a call's checks together.
    try:
        return datetime.datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10] or 0),
            int(value[10:12] or 0),
            int(value[12:14] or 0),
            tzinfo=BEIJING,
        )
    except ValueError:
        return None


def latest_paid_time(now: float, tolerance_s: float = DEFAULT_CLOCK_TOLERANCE_S) -> str:
    """The latest `paid_time` a sync at `now` (Unix seconds) accepts, as `yyyyMMddHHmmss` Beijing time.

    Both are fixed-width digit strings in the same zone, so comparing them as strings compares the instants; a
    `yyyyMMdd` value stands for 00:00:00 and compares as `yyyyMMdd000000`.
    """
    moment = datetime.datetime.fromtimestamp(int(now + tolerance_s), tz=BEIJING)
    return moment.strftime("%Y%m%d%H%M%S")


def paid_time_not_in_future(
    value: str, *, now: float | None = None, tolerance_s: float = DEFAULT_CLOCK_TOLERANCE_S
) -> bool:
    """Tell whether `paid_time` is no later than `now` (Unix seconds, default the local clock) plus `tolerance_s`.

    Rule: a payment cannot be later than its sync, so a `paid_time` in the future (say 2099) is refused before
    anything is sent; the tolerance absorbs a local clock that runs behind. A value that is not a valid
    `yyyyMMddHHmmss` / `yyyyMMdd` answers False (the contract check names that problem more precisely).
    """
    if paid_time_moment(value) is None:
        return False
    current = time.time() if now is None else now
    return (value if len(value) == 14 else value + "000000") <= latest_paid_time(current, tolerance_s)
