"""Read a batch's rows as a stream: CSV with a header row, or JSON Lines; a file or standard input.

Memory stays flat in the number of rows: rows are produced one at a time and nothing is kept. A broken row (wrong
number of fields, a line that is not a JSON object, bytes that are not UTF-8) becomes a row with a problem, so that
it is reported with its line number and never stops the rows after it. Only an input that cannot be read at all (no
such file, no header, unknown columns) raises `BatchInputError`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

import attrs
from wechatpay_auth import WechatPayError

from ._outcome import RowProblem

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "BatchInputError", "InputFormat", "RawRow", "open_rows", "sniff_format"]

COLUMNS = ("out_order_no", "service_id", "sub_mchid", "channel_id", "paid_time")
# channel_id is optional in the sync body, but the query that reconciles a lost answer needs it: a batch, which
# must be able to reconcile every order it sends, requires it.
OPTIONAL_COLUMNS: frozenset[str] = frozenset()
InputFormat = Literal["csv", "jsonl"]
# A field larger than this is not an order field; csv's own default (128 KiB) would raise mid-file instead.
_FIELD_LIMIT = 64 * 1024


class BatchInputError(WechatPayError):
    """The batch input cannot be read at all (missing file, no header, unknown columns): nothing was sent."""


@attrs.frozen
class RawRow:
    """One row as read: its first line number, and either its fields (strings as given) or why it is unreadable."""

    line: int
    fields: dict[str, Any] | None
    problem: RowProblem | None = None


def sniff_format(name: str, first_bytes: bytes) -> InputFormat:
    """JSON Lines for `.jsonl` / `.ndjson` or content starting with `{`; CSV for `.csv` and everything else."""
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    text = first_bytes.lstrip(codecs.BOM_UTF8).lstrip()
    return "jsonl" if text.startswith(b"{") else "csv"


@contextlib.contextmanager
def open_rows(source: str | Path, *, stdin: IO[bytes] | None = None) -> Iterator[Iterator[RawRow]]:
    """Open `source` (a path, or `-` for standard input) and yield an iterator of its rows."""
    name = str(source)
    if name == "-":
        raw = stdin if stdin is not None else sys.stdin.buffer
        yield _rows(raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw), name)
        return
    try:
        handle = Path(name).open("rb")  # noqa: SIM115 - closed by the with block below
    except OSError as exc:
        raise BatchInputError(f"cannot read the batch input {name}: {exc.strerror or exc}") from None
    with handle:
        yield _rows(handle, name)


def _rows(binary: io.BufferedReader[Any], name: str) -> Iterator[RawRow]:
    kind = sniff_format(name, binary.peek(64)[:64])
    # surrogateescape: a byte that is not UTF-8 spoils only its own row (validation names it), not the whole file.
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
    return _json_lines(text) if kind == "jsonl" else _csv_rows(text, name)


def _undecodable(value: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in value)


def _bad_bytes(line: int, field: str, value: str) -> RowProblem:
    shown = value.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
    return RowProblem(line, field, shown, "UTF-8", "the value is not valid UTF-8 text")


def _csv_rows(text: io.TextIOWrapper, name: str) -> Iterator[RawRow]:
    csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise BatchInputError(f"{name}: empty input; expected a header row {','.join(COLUMNS)}") from None
    except csv.Error as exc:
        raise BatchInputError(f"{name}: line 1: the header row is not CSV: {exc}") from None
    columns = [column.strip() for column in header]
    unknown = [column for column in columns if column not in COLUMNS]
    missing = [column for column in COLUMNS if column not in columns and column not in OPTIONAL_COLUMNS]
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if unknown or missing or repeated:
        parts = [f"unknown column(s) {', '.join(map(repr, unknown))}"] if unknown else []
        parts += [f"missing column(s) {', '.join(missing)}"] if missing else []
        parts += [f"repeated column(s) {', '.join(repeated)}"] if repeated else []
        raise BatchInputError(
            f"{name}: line 1 is not a valid header ({'; '.join(parts)}); expected the columns {', '.join(COLUMNS)}"
        )
    last = reader.line_num
    while True:
        start = last + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc) and reader.line_num > start:
                # A quote never closed: the reader took every line after it as one field, up to the end.
                why = (
                    f"not CSV: {exc}: the quote opened on line {start} is never closed; the rest of the input "
                    f"could not be read (lines {start}-{reader.line_num})"
                )
                yield RawRow(start, None, RowProblem(start, "(row)", None, "CSV (RFC 4180)", why))
                return
            if reader.line_num == last:  # the reader cannot move past the error: nothing more can be read
                yield RawRow(start, None, RowProblem(start, "(row)", None, "CSV (RFC 4180)", f"not CSV: {exc}"))
                return
            last = reader.line_num
            yield RawRow(start, None, RowProblem(start, "(row)", None, "CSV (RFC 4180)", f"not CSV: {exc}"))
            continue
        last = reader.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue  # a blank line
        if len(values) != len(columns):
            yield RawRow(
                start,
                None,
                RowProblem(
                    start,
                    "(row)",
                    ",".join(values)[:80],
                    f"{len(columns)} fields, as in the header",
                    f"the row has {len(values)} fields",
                ),
            )
            continue
        bad = next(
            ((column, value) for column, value in zip(columns, values, strict=True) if _undecodable(value)), None
        )
        if bad is not None:
            yield RawRow(start, None, _bad_bytes(start, *bad))
            continue
        yield RawRow(start, dict(zip(columns, values, strict=True)))


def _json_lines(text: io.TextIOWrapper) -> Iterator[RawRow]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        if _undecodable(line):
            yield RawRow(number, None, _bad_bytes(number, "(line)", line.strip()[:80]))
            continue
        try:
            document = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield RawRow(
                number, None, RowProblem(number, "(line)", line.strip()[:80], "JSON Lines", f"not JSON: {exc}")
            )
            continue
        if not isinstance(document, dict):
            yield RawRow(
                number,
                None,
                RowProblem(number, "(line)", line.strip()[:80], "JSON Lines", "each line must be one JSON object"),
            )
            continue
        yield RawRow(number, document)
