"""The one report of a command: its JSON shape (the same keys for every command and outcome) and its text.

Rules: with `--json` the report is exactly one JSON object on standard output, whatever the outcome (the exit
status says which), a command that could not start included (its command line or merchant configuration refused,
exit 2: a shorter object). Without `--json`, the text goes to standard output when the call is applied (0, 10) and
to standard error otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TextIO

import attrs

from .._errors import RequestValidationError, ValidationProblem, WechatPayAPIError
from .exits import ExitCode, outcome_word
from .fields import ORDER_FIELDS
from .shown import compact, may_show, safe_value

__all__ = ["Report", "emit", "error_fields", "plain", "problem_fields", "usage_report"]

# The keys of the text report, in order, after its first line; each shown when it has a value.
_TEXT_KEYS = ("request_id", "status_code", "code", "message", "evidence", "signed_by", "hint", "advice")


def plain(value: Any) -> Any:
    """A generated model (or anything with `to_dict`) as plain JSON values."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return dict(value)
    return value


_MAX_MESSAGE = 300


def _all_shown(value: Any) -> bool:
    """Whether every text inside a request value (keys included) may be shown."""
    if isinstance(value, str):
        return may_show(value)
    if isinstance(value, Mapping):
        return all(_all_shown(key) and _all_shown(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(_all_shown(item) for item in value)
    return True


def problem_fields(problem: ValidationProblem) -> dict[str, Any]:
    """One broken rule as JSON: where, which rule, why; the value only when it cannot be a secret."""
    may, value = safe_value(problem.value)
    fields: dict[str, Any] = {"location": problem.location, "field": problem.field, "rule": problem.rule}
    # A schema validator's message quotes the value it refuses (a whole list, for `maxItems`): it is kept only when
    # nothing in that value could be a secret, and only when it is short enough to read.
    if _all_shown(problem.value) and len(problem.message) <= _MAX_MESSAGE:
        fields["message"] = problem.message
    else:
        fields["message"] = f"breaks the rule; the value is {value}" if not may else "breaks the rule"
    if may and problem.value is not None:
        fields["value"] = value
    return fields


def error_fields(error: BaseException, summary: str) -> dict[str, Any]:
    """The report's `error`: the class, WeChat Pay's code and message when it answered one, and the predicates."""
    api = error if isinstance(error, WechatPayAPIError) else None
    problems = error.problems if isinstance(error, RequestValidationError) else ()
    return {
        "class": type(error).__name__,
        "code": api.code if api is not None else None,
        "message": api.message if api is not None and api.message else summary,
        "detail": api.detail if api is not None else None,
        "problems": [problem_fields(problem) for problem in problems],
        "outcome_unknown": getattr(error, "outcome_unknown", False) is True,
        "retryable": getattr(error, "retryable", False) is True,
        "retry_after": api.retry_after if api is not None else None,
    }


@attrs.define
class Report:
    """What a command did, in the shape every command shares (see `to_json`)."""

    command: str | None
    changes_order: bool = True
    out_order_no: str | None = None
    exit: ExitCode = ExitCode.APPLIED
    request_id: str | None = None
    status_code: int | None = None
    verified: bool | None = None
    signed_by: str | None = None
    summary: str = ""
    request: Any = None  # what was sent (or was to be sent): the body, or the query's parameters
    answer: Any = None  # the verified body WeChat Pay answered to this command
    order: Any = None  # the order as a verified query of it showed it: the query's answer, or the evidence
    evidence: str | None = None
    advice: str | None = None
    hint: str | None = None
    error: dict[str, Any] | None = None
    started: bool = True  # False: the command line or the configuration was refused before the command ran

    def to_json(self) -> dict[str, Any]:
        """The one JSON object: every key always present (`null` when it does not apply)."""
        return {
            "command": self.command,
            "outcome": outcome_word(self.exit, changes_order=self.changes_order),
            "exit": int(self.exit),
            "out_order_no": self.out_order_no,
            "request_id": self.request_id,
            "status_code": self.status_code,
            "verified": self.verified,
            "signed_by": self.signed_by,
            "summary": self.summary,
            "request": self.request,
            "answer": self.answer,
            "order": self.order,
            "evidence": self.evidence,
            "advice": self.advice,
            "hint": self.hint,
            "error": self.error,
        }

    def text(self) -> str:
        """The report for a person: the summary, the facts that matter, then the answer or the order."""
        error = self.error or {}
        values = {
            **attrs.asdict(self, recurse=False),
            "code": error.get("code"),
            # WeChat Pay's own message; the summary already says everything else.
            "message": error.get("message") if error.get("code") else None,
        }
        lines = [self.summary]
        lines += [f"  {key.replace('_', ' ')}: {values[key]}" for key in _TEXT_KEYS if values[key] not in (None, "")]
        if isinstance(self.order, Mapping):
            lines.append("  the order, as WeChat Pay has it:")
            lines += [f"  {line}" for line in order_lines(self.order)]
        elif isinstance(self.answer, Mapping):
            lines += answer_lines(self.answer)
        elif self.exit is ExitCode.APPLIED and isinstance(self.request, Mapping):
            applied = {key: value for key, value in self.request.items() if key not in ORDER_FIELDS}
            if applied:
                lines.append(f"  applied: {compact(applied)}")
        return "\n".join(lines) + "\n"


def order_lines(order: Mapping[str, Any]) -> list[str]:
    """A service order in a few lines: state, amounts, collection and each payment."""
    lines = [f"  state: {order.get('state')}"]
    for key in ("state_description", "out_order_no", "order_id", "total_amount", "need_collection", "package"):
        if order.get(key) not in (None, ""):
            lines.append(f"  {key.replace('_', ' ')}: {order[key]}")
    collection = order.get("collection")
    if isinstance(collection, Mapping):
        amounts = ", ".join(
            f"{key.replace('_amount', '')} {collection[key]}"
            for key in ("total_amount", "paid_amount", "paying_amount")
            if collection.get(key) is not None
        )
        lines.append(f"  collection: {collection.get('state')}" + (f" ({amounts})" if amounts else ""))
        for detail in collection.get("details") or ():
            if isinstance(detail, Mapping):
                parts = [
                    f"{key}={detail[key]}"
                    for key in ("amount", "paid_type", "paid_time", "transaction_id")
                    if key in detail
                ]
                lines.append(f"    payment {detail.get('seq', '?')}: " + " ".join(parts))
    return lines


def answer_lines(answer: Mapping[str, Any]) -> list[str]:
    """A verified answer: an order as an order, anything else field by field."""
    if "state" in answer:
        return ["  the order, as WeChat Pay answered:", *(f"  {line}" for line in order_lines(answer))]
    scalars = {key: value for key, value in answer.items() if not isinstance(value, dict | list)}
    return [f"  {key.replace('_', ' ')}: {value}" for key, value in scalars.items()]


def usage_report(command: str | None, message: str) -> dict[str, Any]:
    """A command line that could not be read: what there is to say, without the fields of a call."""
    return {
        "command": command,
        "outcome": outcome_word(ExitCode.INVALID_INPUT, changes_order=True),
        "exit": int(ExitCode.INVALID_INPUT),
        "summary": message,
        "error": {"class": "UsageError", "message": message},
    }


def emit(report: Report | dict[str, Any], *, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Write the report where it belongs (see the module's rules); returns the exit status."""
    if isinstance(report, dict):  # a refused command line: never started
        if as_json:  # one JSON object on standard output for every outcome, so that `$(...)` reads it
            out.write(json.dumps(report, ensure_ascii=False) + "\n")
        else:
            err.write(f"{report['summary']}\n  (see --help)\n")
        return int(report["exit"])
    if as_json:
        out.write(json.dumps(report.to_json(), ensure_ascii=False, default=str) + "\n")
    else:
        stream = out if report.exit in (ExitCode.APPLIED, ExitCode.ALREADY_APPLIED) else err
        stream.write(report.text())
    return int(report.exit)
