"""Reading the day's rows: checked against the contract in chunks off the event loop, duplicates within one input
found, and the results of rows that are reported rather than sent (invalid, duplicate, conflicting).

Both runners read through here: a row is sent only once it is a `BatchRow` and the first of its order in the input.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from ._input import RawRow
from ._journal import utc_now
from ._outcome import OrderResult, Outcome, RowProblem
from ._rows import BatchRow, RowChecker, has_surrogate
from ._seen import SeenOrders

__all__ = [
    "Checked",
    "Reading",
    "RowInput",
    "as_raw",
    "check_chunk",
    "checked_chunks",
    "conflict_result",
    "default_checker",
    "duplicate_result",
    "invalid_result",
    "key_of",
]

RowInput = RawRow | Mapping[str, Any]


@attrs.frozen
class Checked:
    line: int
    key: str | None  # the row's out_order_no, when it has a usable one
    checked: BatchRow | list[RowProblem]
    raw_fields: Mapping[str, Any] | None
    duplicate_of: int | None = None


def duplicate_result(item: Checked) -> OrderResult:
    problem = RowProblem(
        item.line,
        "out_order_no",
        item.key,
        "unique in one input",
        f"the same order as line {item.duplicate_of}; reported, not sent twice",
    )
    return OrderResult(
        out_order_no=item.key or "",
        outcome=Outcome.INVALID,
        line=item.line,
        code="DUPLICATE",
        message=problem.describe(),
        problems=(problem,),
        duplicate_of=item.duplicate_of,
        finished_at=utc_now(),
    )


def conflict_result(row: BatchRow, problems: Sequence[RowProblem], *, held_as: str, attempts: int = 0) -> OrderResult:
    """A row whose order the journal holds with another request (`held_as`: its outcome or phase there)."""
    return OrderResult(
        out_order_no=row.out_order_no,
        outcome=Outcome.INVALID,
        line=row.line,
        code="CONFLICT",
        message="; ".join(problem.describe() for problem in problems)
        + f" (the journal holds {held_as} for this order)",
        problems=tuple(problems),
        attempts=attempts,
        paid_time=row.paid_time,
        conflict=True,
        finished_at=utc_now(),
    )


def default_checker(now: Callable[[], datetime.datetime] | None) -> RowChecker:
    from .._contract import load_contract  # noqa: PLC0415
    from .._validation import RequestValidator  # noqa: PLC0415

    return RowChecker(RequestValidator(load_contract()), now=now() if now else None)


def key_of(fields: Mapping[str, Any] | None) -> str | None:
    value = fields.get("out_order_no") if fields else None
    if has_surrogate(value):
        return None  # no usable key: neither journaled nor compared (SQLite cannot store it)
    return value.strip() if isinstance(value, str) and value.strip() else None


def check_chunk(raws: Sequence[RawRow], checker: RowChecker, seen: SeenOrders) -> list[Checked]:
    checked = [checker.check(raw) for raw in raws]
    keys = [
        row.out_order_no if isinstance(row, BatchRow) else key_of(raw.fields)
        for raw, row in zip(raws, checked, strict=True)
    ]
    firsts = iter(seen.first_lines([(key, raw.line) for key, raw in zip(keys, raws, strict=True) if key is not None]))
    items = []
    for raw, row, key in zip(raws, checked, keys, strict=True):
        first = next(firsts) if key is not None else None
        items.append(Checked(raw.line, key, row, raw.fields, duplicate_of=first))
    return items


def as_raw(item: RowInput, line: int) -> RawRow:
    if isinstance(item, RawRow):
        return item
    return RawRow(line, dict(item))


@attrs.define
class Reading:
    """The chunk being read off the event loop, if any."""

    future: asyncio.Future[list[Checked]] | None = None


async def checked_chunks(
    rows: Iterable[RowInput] | AsyncIterable[RowInput],
    checker: RowChecker,
    seen: SeenOrders,
    reading: Reading,
    size: int,
) -> AsyncIterator[list[Checked]]:
    """Rows checked in chunks: a plain iterable is read and checked off the event loop (a file, standard input);
    an async iterable (a service's queue) row by row, as its rows come."""
    counter = itertools.count(1)
    if isinstance(rows, AsyncIterable):
        async for item in rows:
            yield check_chunk([as_raw(item, next(counter))], checker, seen)
        return
    iterator: Iterator[RowInput] = iter(rows)

    def take() -> list[Checked]:
        raws = [as_raw(item, next(counter)) for item in itertools.islice(iterator, size)]
        return check_chunk(raws, checker, seen)

    loop = asyncio.get_running_loop()
    while True:
        reading.future = loop.run_in_executor(None, take)
        # Shielded: a stop cancels this wait (standard input may block for ever), never the thread mid-chunk.
        chunk = await asyncio.shield(reading.future)
        reading.future = None
        if not chunk:
            return
        yield chunk


def invalid_result(item: Checked) -> OrderResult:
    """A row that breaks the contract or the input's rules: every problem, the first one's field as its code."""
    problems = item.checked if isinstance(item.checked, list) else []
    first = problems[0] if problems else None
    return OrderResult(
        out_order_no=item.key or "",
        outcome=Outcome.INVALID,
        line=item.line,
        code=first.field if first else None,
        message="; ".join(problem.describe() for problem in problems) or None,
        problems=tuple(problems),
        finished_at=utc_now(),
    )
