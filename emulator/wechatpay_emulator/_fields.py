"""Checks of the values an order is made of: text with a UTF-8 form, non-negative integers, JSON values.

An order is served back as JSON by every query and control read: a value that cannot be serialized (a lone
surrogate, NaN, a nesting deeper than WeChat Pay's objects ever go) is refused when it is seeded, not when it is
served.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ._errors import InvalidOrderError

__all__ = [
    "MAX_JSON_DEPTH",
    "attr_integer",
    "attr_json",
    "attr_optional_integer",
    "attr_optional_text",
    "attr_text",
    "json_tuple",
    "json_value",
    "mapping",
    "reject_unknown",
    "text",
    "without_none",
]

# Seeding a nested value deeper than this is refused: WeChat Pay's objects nest four levels at most.
MAX_JSON_DEPTH = 16


def text(name: str, value: object, *, optional: bool = False, empty: bool = False) -> None:
    """A string field: a `str` that has a UTF-8 form (no lone surrogate: it could not be served as JSON)."""
    if value is None and optional:
        return
    if not isinstance(value, str) or (not value and not empty):
        kind = "a non-empty string" if not empty else "a string"
        raise InvalidOrderError(f"order field {name} must be {kind}{' or null' if optional else ''}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidOrderError(f"order field {name} is not valid Unicode (a lone surrogate)") from None


def integer(name: str, value: object, *, optional: bool = False) -> None:
    """A non-negative integer field (amounts in fen, Unix seconds, sequence numbers); never a boolean."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidOrderError(f"order field {name} must be a non-negative integer{' or null' if optional else ''}")


def json_value(name: str, value: object) -> None:
    """A JSON value (object, array, string, number, boolean), nested at most `MAX_JSON_DEPTH` deep.

    Numbers are finite: NaN and Infinity are no JSON (RFC 8259 §6), so an order holding one could not be answered
    (every `GET /_emulator/orders` and query of it would fail to serialize) until the emulator was reset.
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InvalidOrderError(f"order field {name} nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(node, Mapping):
            for key, item in node.items():
                text(f"{name} key", key, empty=True)
                stack.append((item, depth + 1))
        elif isinstance(node, list | tuple):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            text(name, node, empty=True)
        elif isinstance(node, float) and not math.isfinite(node):
            raise InvalidOrderError(
                f"order field {name} holds {node}, which is not a JSON number (finite numbers only)"
            )
        elif node is None or isinstance(node, bool | int | float):
            continue
        else:
            raise InvalidOrderError(f"order field {name} must hold JSON values only")


def attr_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: `text`."""
    text(attribute.name, value)


def attr_optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: `text`, or None."""
    text(attribute.name, value, optional=True)


def attr_integer(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: `integer`."""
    integer(attribute.name, value)


def attr_optional_integer(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: `integer`, or None."""
    integer(attribute.name, value, optional=True)


def json_tuple(value: Iterable[Any] | None) -> tuple[Any, ...] | None:
    """attrs converter: a JSON array kept as a tuple (orders are frozen), None left alone."""
    return None if value is None else tuple(value)


def attr_json(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: `json_value`, or None."""
    if value is not None:
        json_value(attribute.name, value)


def reject_unknown(kind: str, data: Mapping[str, Any], known: Iterable[str]) -> None:
    """Refuse keys that are not fields: a typo in a seeded order must not pass silently."""
    unknown = set(data) - set(known)
    if unknown:
        raise InvalidOrderError(f"unknown {kind} fields: {sorted(map(str, unknown))}")


def mapping(kind: str, data: object) -> Mapping[str, Any]:
    """`data` as a JSON object, or `InvalidOrderError`."""
    if not isinstance(data, Mapping):
        raise InvalidOrderError(f"{kind} must be a JSON object")
    return data


def without_none(data: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object without its absent (None) fields, as WeChat Pay leaves them out."""
    return {key: value for key, value in data.items() if value is not None}
