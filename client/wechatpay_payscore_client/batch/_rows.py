"""Check each row against the contract before anything is sent, and turn a valid row into its sync request.

The rules are the contract's own: the row is turned into the exact request the client would send (path with the
percent-encoded `out_order_no`, the JSON body) and checked by the client's `RequestValidator`, so a batch refuses
precisely what a single `sync` would refuse, with the same field names and rules. `paid_time` accepts every form
the `sync` command takes (`parse_paid_time`) and may not lie in the future (`paid_time_not_in_future`).
"""

from __future__ import annotations

import argparse
import datetime
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import attrs
from wechatpay_payscore.models import SyncServiceOrderRequest

from .._errors import RequestValidationError
from .._paid_time import paid_time_not_in_future, parse_paid_time
from .._validation import RequestValidator
from ._input import COLUMNS, OPTIONAL_COLUMNS, RawRow
from ._outcome import RowProblem

__all__ = ["SYNC_PATH", "BatchRow", "RowChecker", "has_surrogate", "shown_text", "sync_body", "sync_body_json"]

SYNC_PATH = "/v3/payscore/acquiringbank/serviceorder/{}/sync"
_ORDER_FIELDS = ("service_id", "sub_mchid", "channel_id", "paid_time")
_STAND_IN_PAID_TIME = "20000101"


def has_surrogate(value: object) -> bool:
    """A lone surrogate (U+D800-U+DFFF, e.g. JSON `"\\ud800"`) is no Unicode text: it cannot be encoded as UTF-8
    for the request, the journal or the report."""
    return isinstance(value, str) and any("\ud800" <= char <= "\udfff" for char in value)


def shown_text(value: str) -> str:
    """`value` with each lone surrogate written as `\\udXXX`, so that it can be printed, journaled and reported."""
    return value.encode("utf-8", errors="backslashreplace").decode("utf-8")


def sync_body_json(fields: Mapping[str, str]) -> dict[str, Any]:
    """The sync request body for an order's fields as read or as journaled (service_id, sub_mchid, channel_id,
    paid_time): every attempt and query of an order carries the same words. `type` is `Order_Paid`, the only
    value the contract allows."""
    return {
        "service_id": fields["service_id"],
        "sub_mchid": fields["sub_mchid"],
        "channel_id": fields["channel_id"],
        "type": "Order_Paid",
        "detail": {"paid_time": fields["paid_time"]},
    }


def sync_body(fields: Mapping[str, str]) -> SyncServiceOrderRequest:
    """`sync_body_json` as the generated request model."""
    return SyncServiceOrderRequest.from_dict(sync_body_json(fields))


@attrs.frozen(kw_only=True)
class BatchRow:
    """A row that passed every check: the order and the exact sync request the batch will send for it.

    `paid_time` is the contract's form (`yyyyMMddHHmmss` / `yyyyMMdd`, Beijing time); `paid_time_given` is what the
    row said (`now`, an ISO date-time...), kept so that a rerun of a row saying `now` is not taken for a change.
    """

    line: int
    out_order_no: str
    service_id: str
    sub_mchid: str
    channel_id: str
    paid_time: str
    paid_time_given: str

    def body(self) -> SyncServiceOrderRequest:
        """The sync request body (`type` is `Order_Paid`, the only value the contract allows)."""
        return SyncServiceOrderRequest.from_dict(self.body_json())

    def body_json(self) -> dict[str, Any]:
        return sync_body_json(self.request_fields())

    def request_fields(self) -> dict[str, str]:
        """What the journal keeps of the request, to tell a later row that differs from what was sent."""
        return {
            "service_id": self.service_id,
            "sub_mchid": self.sub_mchid,
            "channel_id": self.channel_id,
            "paid_time": self.paid_time,
            "paid_time_given": self.paid_time_given,
        }

    def differences(self, recorded: Mapping[str, str]) -> list[RowProblem]:
        """How this row differs from the request the journal recorded for the same order (empty: the same)."""
        problems = []
        for name in _ORDER_FIELDS:
            mine, theirs = getattr(self, name), recorded.get(name)
            if name == "paid_time" and recorded.get("paid_time_given") == self.paid_time_given:
                continue  # the same words (e.g. `now`, resolved at another moment) stand for the request recorded
            if mine != theirs:
                problems.append(
                    RowProblem(
                        self.line,
                        name,
                        mine,
                        "the same as the request the journal recorded for this order",
                        f"the journal's request for {self.out_order_no} has {name} = {theirs!r}; nothing was sent",
                    )
                )
        return problems


class RowChecker:
    """Validate raw rows: the input's own rules (columns, strings), then the contract, with line, field and rule."""

    def __init__(self, validator: RequestValidator, *, now: datetime.datetime | None = None) -> None:
        self._validator = validator
        self._now = now

    def check(self, raw: RawRow) -> BatchRow | list[RowProblem]:
        """A `BatchRow`, or every problem of the row (never raises for a bad row)."""
        if raw.problem is not None or raw.fields is None:
            return [raw.problem] if raw.problem is not None else []
        line, fields = raw.line, raw.fields
        # Before anything else (the contract's path encoding, the journal, the report): a value that is no Unicode
        # text spoils only its own row.
        surrogates = [
            RowProblem(
                line,
                shown_text(str(name)),
                shown_text(value) if isinstance(value, str) else None,
                "Unicode text (no lone surrogate U+D800-U+DFFF)",
                f"{shown_text(str(name))} holds a lone surrogate, which is not text",
            )
            for name, value in fields.items()
            if has_surrogate(name) or has_surrogate(value)
        ]
        if surrogates:
            return surrogates
        problems = [
            RowProblem(line, str(name), fields[name], "a column of the batch input", f"unknown column; use {COLUMNS}")
            for name in fields
            if name not in COLUMNS
        ]
        values: dict[str, str] = {}
        for name in COLUMNS:
            value = fields.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if name not in OPTIONAL_COLUMNS:
                    problems.append(RowProblem(line, name, value, "required", f"{name} is missing or empty"))
                continue
            if not isinstance(value, str):
                problems.append(RowProblem(line, name, value, "type: string", f"{name} must be a string"))
                continue
            values[name] = value
        given = values.get("paid_time")
        if given is not None:
            try:
                values["paid_time"] = parse_paid_time(given, now=self._now)
            except argparse.ArgumentTypeError:
                problems.append(
                    RowProblem(
                        line,
                        "paid_time",
                        given,
                        "now, yyyyMMddHHmmss, yyyyMMdd, or an ISO 8601 date or date-time",
                        "not a time the sync command accepts",
                    )
                )
                values["paid_time"] = _STAND_IN_PAID_TIME  # so that the other fields are still checked
        if len(values) < len(COLUMNS):
            return problems
        row = BatchRow(
            line=line,
            out_order_no=values["out_order_no"],
            service_id=values["service_id"],
            sub_mchid=values["sub_mchid"],
            channel_id=values["channel_id"],
            paid_time=values["paid_time"],
            paid_time_given=given or values["paid_time"],
        )
        if problems:  # paid_time was unreadable: report the other fields' problems with it
            return problems + [p for p in self._contract_problems(row) if p.field != "paid_time"]
        problems = self._contract_problems(row)
        if not problems and not paid_time_not_in_future(row.paid_time):
            problems.append(
                RowProblem(line, "paid_time", row.paid_time, "not in the future", "a payment cannot follow its sync")
            )
        return problems or row

    def _contract_problems(self, row: BatchRow) -> list[RowProblem]:
        target = SYNC_PATH.format(quote(row.out_order_no, safe=""))
        body = json.dumps(row.body_json(), separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
        try:
            self._validator.validate("POST", target, body)
        except RequestValidationError as exc:
            return [
                _from_contract(row, problem.field, problem.value, problem.rule, problem.message)
                for problem in exc.problems
            ]
        return []


def _from_contract(row: BatchRow, field: str, value: Any, rule: str, message: str) -> RowProblem:
    """A contract problem named by the input's column (`/detail/paid_time` → `paid_time`)."""
    name = field.rsplit("/", 1)[-1] or field
    if name not in COLUMNS:
        name = "out_order_no" if field.startswith("out_order_no") or field == "(path)" else name
    return RowProblem(row.line, name, value, rule, message)
