"""Seeding many orders at once: from JSON (a list, or one object) and from files (a JSON list or JSON Lines)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from ._errors import InvalidOrderError
from ._keys import read_pem_file
from ._orders import Order

__all__ = ["orders_from_json", "read_orders_file"]


def orders_from_json(data: object) -> list[Order]:
    """Orders from a decoded JSON list of order objects, or one object; the first bad one names its index."""
    items = data if isinstance(data, list) else [data]
    orders: list[Order] = []
    for index, item in enumerate(items):
        try:
            orders.append(Order.from_json(item))
        except InvalidOrderError as exc:
            raise InvalidOrderError(f"order {index}: {exc}" if isinstance(data, list) else str(exc)) from None
    return orders


def _json_lines(path: str | os.PathLike[str], text: str) -> Iterator[Order]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise InvalidOrderError(f"{path} line {number} is not JSON: {exc}") from None
        try:
            yield Order.from_json(item)
        except InvalidOrderError as exc:
            raise InvalidOrderError(f"{path} line {number}: {exc}") from None


def read_orders_file(path: str | os.PathLike[str]) -> list[Order]:
    """The orders of a UTF-8 file holding a JSON list of order objects, or JSON Lines (one object per line)."""
    raw = read_pem_file(path)  # its error names the file that cannot be read
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidOrderError(f"{path} is not UTF-8") from None
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise InvalidOrderError(f"{path} is not JSON: {exc}") from None
        try:
            return orders_from_json(data)
        except InvalidOrderError as exc:
            raise InvalidOrderError(f"{path}: {exc}") from None
    return list(_json_lines(path, text))
