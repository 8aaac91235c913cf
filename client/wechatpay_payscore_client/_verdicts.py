"""What each state-changing operation's answer means, as the contract declares it (`x-outcome`), and the verdict a
verified query gives on a call whose outcome is in doubt.

Pure data and pure functions, below the pipeline: the contract's rows are parsed once (`parse_outcome`) and read
by `_outcome.meaning()` (which signed codes mean "already there") and by reconciliation (`judge`, the verdict
rows; `evidence_parameters`, the query that proves it). Adding an operation adds rows to the contract, not a
branch here. The row language is documented in the contract's `info.description`.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

__all__ = [
    "Condition",
    "EvidenceRule",
    "OutcomeRule",
    "Reconciliation",
    "SyncVerdict",
    "UnknownStateError",
    "Verdict",
    "VerdictRow",
    "evidence_parameters",
    "judge",
    "mismatch",
    "order_number",
    "parse_outcome",
    "pointer_get",
    "pointer_tokens",
    "summarize",
    "tokens_get",
]


class Verdict(enum.StrEnum):
    """What became of a call, by the order's verified state (the contract's `x-outcome` verdict names)."""

    APPLIED = "applied"  # the call's effect is there (by this call, when an attempt of it may have been applied)
    ALREADY_THERE = "already_there"  # the order is where the call would put it, by other means
    NOT_APPLIED = "not_applied"  # the order is still where the call applies: it may be sent again
    CANCELLED = "cancelled"  # REVOKED: the call can no longer apply
    EXPIRED = "expired"  # EXPIRED: the call can no longer apply
    DONE = "done"  # DONE (paid): the call can no longer apply
    SUPERSEDED = "superseded"  # something else took the call's place (another deduction is registered)
    NOT_FOUND = "not_found"  # no such order
    # The names the sync has always used; the same members.
    SYNCED_BY_THIS_REQUEST = "applied"
    DONE_OTHERWISE = "already_there"


# The sync's verdicts are the verdicts: the name stays for the code that reads them.
SyncVerdict = Verdict

# Verdicts that end the doubt with the order somewhere the call cannot apply.
FORBIDDING = frozenset({Verdict.CANCELLED, Verdict.EXPIRED, Verdict.DONE, Verdict.SUPERSEDED})

Missing = object()  # a JSON pointer that leads nowhere


@attrs.frozen
class Condition:
    """One test of a verdict row: the value at `pointer` in the verified answer against what the call sent."""

    pointer: str
    test: Literal["in", "equals", "paid-time", "contains"]
    values: tuple[Any, ...] = ()  # `in`: the accepted values (None: the field is absent)
    request_pointer: str = ""  # `equals` / `paid-time`: where the call's value is, in its body
    nested: tuple[Condition, ...] = ()  # `contains`: what one item of the array must satisfy


@attrs.frozen
class VerdictRow:
    verdict: Verdict
    when: tuple[Condition, ...]


@attrs.frozen
class EvidenceRule:
    """The query that proves what a call did: its operation, its parameters, and the rows that read its answer."""

    operation: str
    parameters: tuple[tuple[str, str], ...]  # (query parameter, JSON pointer into the body or `path:NAME`)
    when_not_found: Verdict
    verdicts: tuple[VerdictRow, ...]


@attrs.frozen
class OutcomeRule:
    """One operation's `x-outcome`: what its answer means and how an unknown outcome is settled."""

    order: str  # where the order number is: `path:out_order_no` or a JSON pointer into the body
    resend: Literal["same-body", "query-first"]
    already_there: frozenset[str]
    ends_order: bool
    evidence: EvidenceRule | None
    resend_within: float | None = None

    @property
    def resend_safe(self) -> bool:
        """原参重入: WeChat Pay declares re-sending the identical body safe."""
        return self.resend == "same-body"


@attrs.frozen
class Reconciliation:
    """The definitive answer to "what did my call do?", with the verified answer as evidence."""

    verdict: Verdict
    order: Any  # the verified answer as the generated model (None for NOT_FOUND)
    request_id: str | None
    explanation: str
    raw: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    operation: str = "syncServiceOrder"

    @property
    def settled(self) -> bool:
        """The call's effect, or the order's end, is there: nothing is left to send."""
        return self.verdict in (Verdict.APPLIED, Verdict.ALREADY_THERE)


class UnknownStateError(ValueError):
    """The answer matches no verdict row (WeChat Pay added a state): no verdict is guessed."""


# -- parsing the contract's rows ----------------------------------------------------------------------------------


def _condition(pointer: str, spec: Mapping[str, Any]) -> Condition:
    if "in" in spec:
        return Condition(pointer, "in", values=tuple(spec["in"]))
    if "equals" in spec:
        return Condition(pointer, "equals", request_pointer=str(spec["equals"]))
    if "paid-time" in spec:
        return Condition(pointer, "paid-time", request_pointer=str(spec["paid-time"]))
    if "contains" in spec:
        nested = tuple(_condition(str(key), value) for key, value in spec["contains"].items())
        return Condition(pointer, "contains", nested=nested)
    raise ValueError(f"x-outcome: unknown test {sorted(spec)} at {pointer}")


def parse_outcome(spec: Mapping[str, Any]) -> OutcomeRule:
    """An operation's `x-outcome` as data; a malformed one fails at load, never at a call."""
    evidence = spec.get("evidence")
    rule = None
    if evidence is not None:
        rows = tuple(
            VerdictRow(
                Verdict(row["verdict"]),
                tuple(_condition(str(pointer), test) for pointer, test in (row.get("when") or {}).items()),
            )
            for row in evidence.get("verdicts", ())
        )
        rule = EvidenceRule(
            operation=str(evidence["operation"]),
            parameters=tuple((str(name), str(source)) for name, source in evidence.get("parameters", {}).items()),
            when_not_found=Verdict(evidence.get("when-not-found", "not_found")),
            verdicts=rows,
        )
    resend = spec.get("resend", "query-first")
    if resend not in ("same-body", "query-first"):
        raise ValueError(f"x-outcome: resend must be same-body or query-first, not {resend!r}")
    within = spec.get("resend-within")
    return OutcomeRule(
        order=str(spec["order"]),
        resend=resend,
        already_there=frozenset(str(code) for code in spec.get("already-there") or ()),
        ends_order=bool(spec.get("ends-order", False)),
        evidence=rule,
        resend_within=float(within) if within is not None else None,
    )


# -- reading values -------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def pointer_tokens(pointer: str) -> tuple[str, ...]:
    """The reference tokens of an RFC 6901 JSON pointer, unescaped.

    Kept per pointer: the pointers read on every call are the contract's own (`x-outcome`, `x-rules`), a few dozen.
    """
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]) if pointer else ()


def pointer_get(document: Any, pointer: str) -> Any:
    """The value at an RFC 6901 JSON pointer, or `Missing`."""
    return tokens_get(document, pointer_tokens(pointer))


def tokens_get(document: Any, tokens: tuple[str, ...]) -> Any:
    """The value at a JSON pointer given as its unescaped tokens (`pointer_tokens`), or `Missing`."""
    node = document
    for key in tokens:
        if (type(node) is dict or isinstance(node, Mapping)) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return Missing
    return node


def _source(source: str, body: Any, path_values: Mapping[str, str]) -> Any:
    """A value the call sent: `path:NAME` (a path parameter) or a JSON pointer into its body."""
    if source.startswith("path:"):
        return path_values.get(source[len("path:") :], Missing)
    return pointer_get(body, source)


def order_number(rule: OutcomeRule, body: Any, path_values: Mapping[str, str]) -> str | None:
    """The number of the order a call changes, wherever the operation carries it."""
    value = _source(rule.order, body, path_values)
    return value if isinstance(value, str) else None


def evidence_parameters(
    rule: EvidenceRule, body: Any, path_values: Mapping[str, str]
) -> tuple[list[tuple[str, str]], list[str]]:
    """The evidence query's parameters taken from the call, in declared order, and the names it could not take."""
    present: list[tuple[str, str]] = []
    missing: list[str] = []
    for name, source in rule.parameters:
        value = _source(source, body, path_values)
        if isinstance(value, str):
            present.append((name, value))
        else:
            missing.append(name)
    return present, missing


# -- judging -------------------------------------------------------------------------------------------------------


def _moment(value: Any) -> str | None:
    """`yyyyMMdd[HHmmss]` as 14 digits: a date alone means 00:00:00 of that day."""
    if not isinstance(value, str):
        return None
    return value + "000000" if len(value) == 8 else value


def _holds(condition: Condition, answer: Any, body: Any) -> bool:
    value = pointer_get(answer, condition.pointer)
    if condition.test == "in":
        return any((value is Missing) if accepted is None else value == accepted for accepted in condition.values)
    if condition.test == "equals":
        return _holds_what_was_sent(value, pointer_get(body, condition.request_pointer))
    if condition.test == "paid-time":
        sent = _moment(pointer_get(body, condition.request_pointer))
        return sent is not None and _moment(value) == sent
    items = value if isinstance(value, list) else []
    return any(all(_holds(nested, item, body) for nested in condition.nested) for item in items)


def _holds_what_was_sent(value: Any, sent: Any) -> bool:
    """`equals`: the answer holds what the call sent. Objects match on the fields sent (an answer may add its own),
    arrays item by item, in order; a field the call left out matches an absent or empty one (an array WeChat Pay
    replaced with nothing)."""
    if sent is Missing:
        return value is Missing or value == []
    if isinstance(sent, Mapping):
        return isinstance(value, Mapping) and all(
            _holds_what_was_sent(value.get(key, Missing), item) for key, item in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(value, list)
            and len(value) == len(sent)
            and all(_holds_what_was_sent(got, item) for got, item in zip(value, sent, strict=True))
        )
    return value is not Missing and type(value) is type(sent) and value == sent


def judge(rule: EvidenceRule, answer: Mapping[str, Any] | None, body: Any) -> tuple[Verdict, str]:
    """The verdict on a call from the verified answer of its evidence query (`None`: 404, no such order).

    Rows are read in order and the first that holds decides; an answer no row describes raises
    `UnknownStateError` instead of a guess.
    """
    if answer is None:
        if rule.when_not_found is Verdict.NOT_APPLIED:
            return Verdict.NOT_APPLIED, "WeChat Pay has no trace of it (404 ORDER_NOT_EXIST): not applied"
        return rule.when_not_found, "WeChat Pay has no such order (404 ORDER_NOT_EXIST)"
    for row in rule.verdicts:
        if all(_holds(condition, answer, body) for condition in row.when):
            return row.verdict, _explain(row.verdict, answer)
    raise UnknownStateError(f"the answer ({summarize(answer)}) is in a state this client does not know")


_EXPLAIN = {
    Verdict.APPLIED: "the call's effect is there",
    Verdict.ALREADY_THERE: "the order is already where the call would put it, by other means",
    Verdict.NOT_APPLIED: "not applied: the order is still where the call applies",
    Verdict.CANCELLED: "the order was cancelled (REVOKED)",
    Verdict.EXPIRED: "the order expired (EXPIRED)",
    Verdict.DONE: "the order is already DONE (paid)",
    Verdict.SUPERSEDED: "something else took the call's place",
}


def _explain(verdict: Verdict, answer: Mapping[str, Any]) -> str:
    return f"{_EXPLAIN.get(verdict, str(verdict))} ({summarize(answer)})"


def _details(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The collection's payment details, whatever shape a hostile or future answer gives them."""
    collection = order.get("collection")
    details = collection.get("details") if isinstance(collection, Mapping) else None
    return [entry for entry in details if isinstance(entry, Mapping)] if isinstance(details, list) else []


def mismatch(answer: Mapping[str, Any], queried: Mapping[str, str], names: Sequence[str]) -> str | None:
    """Which queried id the answer contradicts (an answer about another order proves nothing about ours)."""
    for name in names:
        expected = queried.get(name)
        if expected is None or name not in answer:
            if name == "out_order_no" and expected is not None:
                return name  # the order's own number is in every order answer: its absence is a contradiction too
            continue
        if answer.get(name) != expected:
            return name
    return None


def summarize(order: Mapping[str, Any]) -> str:
    """`DONE; total 100; collection USER_PAID; MCH 100 at 20091225091210` — what an operator needs to see."""
    if "state" not in order and "out_trade_no" in order:
        return f"deduction {str(order.get('out_trade_no'))[:40]}"
    parts = [str(order.get("state"))]
    if order.get("state_description"):
        parts[0] += f"/{order['state_description']}"
    if isinstance(order.get("total_amount"), int):
        parts.append(f"total {order['total_amount']}")
    collection = order.get("collection")
    if isinstance(collection, Mapping):
        parts.append(f"collection {collection.get('state')}")
    parts += [
        f"{entry.get('paid_type')} {entry.get('amount')} at {entry.get('paid_time')}" for entry in _details(order)
    ]
    return "; ".join(str(part)[:80] for part in parts[:12])
