"""The contract's `x-rules`: rules across fields of a request body that JSON Schema cannot say, read as data.

`sum` (the amount rule: `total_amount` = Σ `post_payments[].amount` - Σ `post_discounts[].amount`, at least 0) and
`unique` (`post_discounts[].name`) are checked here before anything is signed. `not-above-order` and `lower-only`
compare with the order as it is, which only WeChat Pay holds: they are parsed, and left to WeChat Pay (and the
emulator). The rule language is documented in the contract's `info.description`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ._errors import ValidationProblem
from ._verdicts import Missing, pointer_get

__all__ = ["BodyRule", "check_rules", "parse_rules"]

# Rules that need the order as WeChat Pay holds it: declared, not checkable before sending.
ORDER_RULES = frozenset({"not-above-order", "lower-only"})
_KNOWN = frozenset({"sum", "unique"}) | ORDER_RULES


@attrs.frozen
class BodyRule:
    """One `x-rules` entry, as declared."""

    rule: str
    spec: Mapping[str, Any] = attrs.field(eq=False)

    def describe(self) -> str:
        return "x-rules " + self.rule + ": " + ", ".join(f"{k}={v}" for k, v in self.spec.items() if k != "rule")


def parse_rules(specs: Sequence[Mapping[str, Any]]) -> tuple[BodyRule, ...]:
    """An operation's `x-rules`; an unknown rule fails at load, so a new rule is never silently skipped."""
    rules = []
    for spec in specs:
        name = str(spec.get("rule"))
        if name not in _KNOWN:
            raise ValueError(f"x-rules: unknown rule {name!r}")
        rules.append(BodyRule(name, dict(spec)))
    return tuple(rules)


def _values(body: Any, path: str) -> list[Any]:
    """The values at a pointer whose `*` token stands for every item of an array (absent: none)."""
    head, star, tail = path.partition("/*")
    if not star:
        value = pointer_get(body, path)
        return [] if value is Missing else [value]
    items = pointer_get(body, head)
    if not isinstance(items, list):
        return []
    found: list[Any] = []
    for item in items:
        found += _values(item, tail)
    return found


def _amount(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _sum_problem(rule: BodyRule, body: Any) -> ValidationProblem | None:
    """Protocol rule (complete, modify): total = Σ add - Σ subtract, and never below 0."""
    total_at = str(rule.spec["total"])
    total = _amount(pointer_get(body, total_at))
    added = [_amount(v) for v in _values(body, str(rule.spec.get("add", "")))]
    subtracted = [_amount(v) for v in _values(body, str(rule.spec.get("subtract", "")))]
    if total is None or None in added or None in subtracted:
        return None  # a missing or mistyped amount is the schema's to name
    expected = sum(a for a in added if a is not None) - sum(s for s in subtracted if s is not None)
    if total == expected and total >= 0:
        return None
    add, subtract = rule.spec.get("add"), rule.spec.get("subtract")
    message = (
        f"must equal Σ {add} ({sum(a for a in added if a is not None)}) - Σ {subtract} "
        f"({sum(s for s in subtracted if s is not None)}) = {expected}"
    )
    if expected < 0:
        message += "; the discounts exceed the charges, and a total is never below 0"
    return ValidationProblem("body", total_at, total, rule.describe(), message)


def _unique_problem(rule: BodyRule, body: Any) -> ValidationProblem | None:
    """Protocol rule: no two items of the array share the key (discount names are unique within an order)."""
    items_at, key = str(rule.spec["items"]), str(rule.spec["key"])
    items = pointer_get(body, items_at)
    if not isinstance(items, list):
        return None
    seen: dict[Any, int] = {}
    for index, item in enumerate(items):
        value = item.get(key) if isinstance(item, Mapping) else None
        if value is None or isinstance(value, dict | list):
            continue
        if value in seen:
            return ValidationProblem(
                "body",
                f"{items_at}/{index}/{key}",
                value,
                rule.describe(),
                f"the same {key} as item {seen[value]}: each {key} must be unique",
            )
        seen[value] = index
    return None


_CHECKS = {"sum": _sum_problem, "unique": _unique_problem}


def check_rules(rules: Sequence[BodyRule], body: Any) -> list[ValidationProblem]:
    """Every broken rule that can be checked without the order, each naming its field."""
    problems = []
    for rule in rules:
        check = _CHECKS.get(rule.rule)
        problem = check(rule, body) if check is not None else None
        if problem is not None:
            problems.append(problem)
    return problems
