"""The contract's `x-rules`, interpreted: rules across fields of a request body that OpenAPI cannot state.

The rules are data in the contract (each operation's `x-rules` list), read once when the contract is loaded, so
that each is declared in one place and every client and the emulator enforce the same thing. The kinds, as the
contract's description defines them:

- `sum` — `{total, add, subtract?}`: the integer at `total` equals the sum of the values at `add` minus those at
  `subtract` (`*` is every item of an array; an absent array sums to 0), and is at least 0. Broken: `400
  PARAM_ERROR` (最终总金额计算非法, WeChat Pay's own message for it), `detail.field` the `total`.
- `unique` — `{items, key}`: no two items of the array at `items` share the value of `key`. Broken: `400
  PARAM_ERROR`, `detail.field` the repeated item's key.
- `not-above-order` — `{field, order-field}`: the value at `field` is not above the value at `order-field` of the
  order as it is (the risk fund caps a complete). Broken: `400 INVALID_REQUEST` (a well-formed request against a
  business rule), naming both and the limit.
- `lower-only` — `{field, order-field?}`: the same, for an amount that may only go down ("不能超过完结订单时候的总
  金额": equal is accepted). `order-field` defaults to `field`.

Paths are JSON pointers (RFC 6901) into the body, and for `order-field` into the order as the query answers it.
A rule whose values are missing or not integers is not applicable: the contract's schemas answer for those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from ._errors import ContractError

__all__ = ["BODY_RULES", "ORDER_RULES", "Rule", "Violation", "check_body", "check_order", "parse_rules", "resolve"]

_ANY_ITEM = "*"


@attrs.frozen
class Rule:
    """One rule of an operation's `x-rules`: its `kind` and its parameters, as the contract writes them."""

    kind: str
    params: Mapping[str, Any]

    def pointer(self, name: str, default: str | None = None) -> str:
        """The JSON pointer parameter `name` (`ContractError` at load when a required one is missing)."""
        value = self.params.get(name, default)
        if not isinstance(value, str) or not (value == "" or value.startswith("/")):
            raise ContractError(f"x-rules {self.kind}: {name} must be a JSON pointer, not {value!r}")
        return value

    def pointers(self, name: str) -> tuple[str, ...]:
        """A parameter that is one JSON pointer or a list of them (absent: none)."""
        value = self.params.get(name)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) and item.startswith("/") for item in items):
            raise ContractError(f"x-rules {self.kind}: {name} must be a JSON pointer or a list of them")
        return tuple(items)


@attrs.frozen
class Violation:
    """A broken rule: the WeChat Pay code and message of the refusal, and its `detail` (`field` a JSON pointer)."""

    code: str
    message: str
    field: str
    value: Any
    issue: str

    def detail(self) -> dict[str, Any]:
        """`{field, value, issue, location}`, the shape of every `PARAM_ERROR` detail."""
        return {"field": self.field, "value": self.value, "issue": self.issue, "location": "body"}


def _segments(pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def resolve(document: object, pointer: str) -> Iterator[tuple[str, Any]]:
    """Every (concrete pointer, value) that `pointer` reaches in `document`; `*` stands for each item of an array.

    Absent members and items yield nothing.
    """
    stack: list[tuple[object, str, list[str]]] = [(document, "", _segments(pointer))]
    found: list[tuple[str, Any]] = []
    while stack:
        node, at, rest = stack.pop()
        if not rest:
            found.append((at, node))
            continue
        head, tail = rest[0], rest[1:]
        if head == _ANY_ITEM and isinstance(node, list):
            stack.extend((item, f"{at}/{index}", tail) for index, item in reversed(list(enumerate(node))))
        elif isinstance(node, Mapping) and head in node:
            stack.append((node[head], f"{at}/{_escape(head)}", tail))
        elif isinstance(node, list) and head.isdigit() and int(head) < len(node):
            stack.append((node[int(head)], f"{at}/{head}", tail))
    yield from found


def _integer_at(document: object, pointer: str) -> int | None:
    for _, value in resolve(document, pointer):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _sum(document: object, pointers: Sequence[str]) -> int:
    return sum(
        value
        for pointer in pointers
        for _, value in resolve(document, pointer)
        if isinstance(value, int) and not isinstance(value, bool)
    )


def _check_sum(rule: Rule, body: object) -> Violation | None:
    total_at = rule.pointer("total")
    total = _integer_at(body, total_at)
    if total is None:
        return None
    add, subtract = rule.pointers("add"), rule.pointers("subtract")
    expected = _sum(body, add) - _sum(body, subtract)
    if total == expected and expected >= 0:
        return None
    formula = " + ".join(f"Σ {pointer}" for pointer in add) + "".join(f" - Σ {pointer}" for pointer in subtract)
    issue = f"must equal {formula} = {expected}" + (", which is below 0" if expected < 0 else "")
    return Violation("PARAM_ERROR", "最终总金额计算非法", total_at, total, issue)


def _check_unique(rule: Rule, body: object) -> Violation | None:
    items_at = rule.pointer("items")
    key = rule.params.get("key")
    if not isinstance(key, str):
        raise ContractError(f"x-rules unique: key must be a member name, not {key!r}")
    for _, items in resolve(body, items_at):
        if not isinstance(items, list):
            continue
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if not isinstance(item, Mapping) or key not in item:
                continue
            # Compared as JSON text: 1 and true, or 1 and 1.0, are different values to WeChat Pay.
            marker = repr((type(item[key]).__name__, item[key]))
            if marker in seen:
                first = f"{items_at}/{seen[marker]}/{_escape(key)}"
                return Violation(
                    "PARAM_ERROR", "参数错误", f"{items_at}/{index}/{_escape(key)}", item[key], f"repeats {first}"
                )
            seen[marker] = index
    return None


def _not_above(rule: Rule, body: object, order: object, default_order_field: str | None) -> Violation | None:
    field_at = rule.pointer("field")
    order_at = rule.pointer("order-field", default_order_field or field_at)
    value, limit = _integer_at(body, field_at), _integer_at(order, order_at)
    if value is None or limit is None or value <= limit:
        return None
    if rule.kind == "lower-only":
        message = f"{field_at} 只能调低: {value} 超过了订单当前的 {order_at} ({limit}), 不能超过完结订单时候的总金额"
        issue = f"may only go down: must not be above the order's {order_at}, {limit}"
    else:
        message = f"{field_at} ({value}) 不能超过订单的 {order_at} ({limit})"
        issue = f"must not be above the order's {order_at}, {limit}"
    return Violation("INVALID_REQUEST", message, field_at, value, issue)


def _check_not_above_order(rule: Rule, body: object, order: object) -> Violation | None:
    rule.pointer("order-field")  # required for this kind
    return _not_above(rule, body, order, None)


def _check_lower_only(rule: Rule, body: object, order: object) -> Violation | None:
    return _not_above(rule, body, order, rule.pointer("field"))


# Rules that need only the body, and rules that need the order the call addresses.
BODY_RULES: Mapping[str, Callable[[Rule, object], Violation | None]] = {
    "sum": _check_sum,
    "unique": _check_unique,
}
ORDER_RULES: Mapping[str, Callable[[Rule, object, object], Violation | None]] = {
    "not-above-order": _check_not_above_order,
    "lower-only": _check_lower_only,
}


def parse_rules(raw: object, where: str) -> tuple[Rule, ...]:
    """An operation's `x-rules` as `Rule`s; `ContractError` for a kind this interpreter does not know, or a rule
    whose parameters are malformed — a declared rule is enforced or the emulator does not start."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ContractError(f"{where}: x-rules must be a list")
    rules: list[Rule] = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("rule"), str):
            raise ContractError(f"{where}: each x-rules item needs a `rule` kind")
        kind = item["rule"]
        if kind not in BODY_RULES and kind not in ORDER_RULES:
            known = sorted([*BODY_RULES, *ORDER_RULES])
            raise ContractError(f"{where}: x-rules kind {kind!r} is not one the emulator enforces ({known})")
        rule = Rule(kind, {key: value for key, value in item.items() if key != "rule"})
        # Checked once against an empty body, so a malformed rule fails at load rather than on a request.
        if kind in BODY_RULES:
            BODY_RULES[kind](rule, {})
        else:
            ORDER_RULES[kind](rule, {}, {})
        rules.append(rule)
    return tuple(rules)


def check_body(rules: Sequence[Rule], body: object) -> Violation | None:
    """The first rule that needs only the body (`sum`, `unique`) and is broken, in the contract's order."""
    for rule in rules:
        check = BODY_RULES.get(rule.kind)
        if check is not None:
            violation = check(rule, body)
            if violation is not None:
                return violation
    return None


def check_order(rules: Sequence[Rule], body: object, order: object) -> Violation | None:
    """The first rule that needs the order (`not-above-order`, `lower-only`) and is broken; `order` is the order's
    JSON as the query answers it."""
    for rule in rules:
        check = ORDER_RULES.get(rule.kind)
        if check is not None:
            violation = check(rule, body, order)
            if violation is not None:
                return violation
    return None
