"""What the batch says about each order: one final outcome, with the evidence that supports it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ._journal import OrderRecord

__all__ = ["SETTLED", "OrderResult", "Outcome", "RowProblem", "result_of"]


class Outcome(enum.StrEnum):
    """The final outcome of one order in a batch (issue: "exactly one final outcome per order")."""

    SYNCED = "synced"  # this batch's request was answered 204: WeChat Pay completed the order
    SYNCED_BY_EARLIER_ATTEMPT = "synced_by_earlier_attempt"  # an attempt whose answer was lost did it (queried)
    ALREADY_DONE_OTHERWISE = "already_done_otherwise"  # DONE, but not by an attempt of this journal (queried)
    REFUSED = "refused"  # WeChat Pay refused it, or the query proved it cannot be synced (code and message)
    INVALID = "invalid"  # the row breaks the contract or the input's rules (field and rule); nothing was sent
    UNRESOLVED = "unresolved"  # the outcome could not be established within the bounds (reason); run again
    NOT_SENT = "not_sent"  # --dry-run only: the row is valid and would be sent (or reconciled first)


SETTLED = frozenset({Outcome.SYNCED, Outcome.SYNCED_BY_EARLIER_ATTEMPT, Outcome.ALREADY_DONE_OTHERWISE})


@attrs.frozen
class RowProblem:
    """One rule a row breaks: where (line), which field, the value given and the rule, in an operator's words."""

    line: int | None
    field: str
    value: Any
    rule: str
    message: str

    def describe(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.field} = {_short(self.value)}: {self.message} (rule: {self.rule})"

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "value": self.value, "rule": self.rule, "message": self.message}


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@attrs.frozen(kw_only=True)
class OrderResult:
    """One settled row of the batch, as the runner yields it.

    `from_journal` is True when the order was settled by an earlier run and nothing was done now; `duplicate_of` /
    `conflict` mark a row that was reported, not sent, because its order was already taken by another row of this
    input or settled differently in the journal (the order keeps its own outcome, reported by its first row).
    """

    out_order_no: str
    outcome: Outcome
    line: int | None = None
    code: str | None = None
    message: str | None = None
    request_ids: tuple[str, ...] = ()
    attempts: int = 0
    paid_time: str | None = None
    finished_at: str | None = None
    problems: tuple[RowProblem, ...] = ()
    from_journal: bool = False
    duplicate_of: int | None = None
    conflict: bool = False
    explanation: str | None = None

    @property
    def settled(self) -> bool:
        """Synced, or confirmed done: nothing is left to do for this order."""
        return self.outcome in SETTLED

    @property
    def request_id(self) -> str | None:
        """The Request-ID of the answer that decided the outcome (the last one recorded)."""
        return self.request_ids[-1] if self.request_ids else None

    def advice(self) -> str:
        """What happened, and what an operator does about it."""
        from ._advice import advice  # noqa: PLC0415 - the text tables are only needed for a summary

        return advice(self)

    def to_report(self) -> Mapping[str, Any]:
        """The `--report` row: out_order_no, outcome, code, message, request_id, attempts, paid_time, finished_at."""
        return {
            "out_order_no": self.out_order_no,
            "outcome": str(self.outcome),
            "code": self.code,
            "message": self.message,
            "request_id": self.request_id,
            "attempts": self.attempts,
            "paid_time": self.paid_time,
            "finished_at": self.finished_at,
            "line": self.line,
        }


def result_of(record: OrderRecord, *, line: int | None = None, from_journal: bool = False) -> OrderResult:
    """An order's result as its journal record holds it (`line`: the row of this input, else the one recorded)."""
    return OrderResult(
        out_order_no=record.out_order_no,
        outcome=record.outcome or Outcome.UNRESOLVED,
        line=record.line if line is None else line,
        code=record.code,
        message=record.message,
        request_ids=record.request_ids,
        attempts=record.attempts,
        paid_time=record.request.get("paid_time"),
        finished_at=record.finished_at,
        from_journal=from_journal,
    )
