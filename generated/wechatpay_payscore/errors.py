"""Contains shared errors types that can be raised from API functions"""

import json
from collections.abc import Mapping
from typing import Any

from .types import UNSET

# How much of an offending value an error message shows: enough to recognise it, never a whole payload.
_SHOWN = 40


class UnexpectedStatus(Exception):
    """Raised by api functions when the response status an undocumented status and Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class InvalidModelError(ValueError):
    """A JSON object does not match a model of the contract: a key is missing, unknown where the schema says
    `additionalProperties: false`, or has the wrong type.

    `model` is the outermost model being read, `field` the path to the offending field inside it (`detail.paid_time`,
    `post_payments[].name`; empty for the object itself), `reason` what is wrong with it.
    """

    def __init__(self, model: str, field: str, reason: str):
        self.model = model
        self.field = field
        self.reason = reason
        super().__init__(
            f"{model}.{field}: {reason}" if field else f"{model}: {reason}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.model, self.field, self.reason))

    def inside(self, model: str, field: str) -> "InvalidModelError":
        """The same error seen from the model that holds this one in its `field`."""
        path = f"{field}.{self.field}" if self.field else field
        return type(self)(model, path, self.reason)


class InvalidFieldTypeError(InvalidModelError, TypeError):
    """A field of a JSON object has a type (or, for an enum, a value) the contract does not allow."""


class InvalidArgumentError(ValueError):
    """An argument of an API function cannot be sent as the contract declares it; nothing was sent."""

    def __init__(self, argument: str, reason: str):
        self.argument = argument
        self.reason = reason
        super().__init__(f"{argument}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.argument, self.reason))


class InvalidArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of an API function does not have the type the contract declares; nothing was sent."""


def _describe(value: object) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        shown = repr(value)
        return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + "..."
    return type(value).__name__


def _has_type(value: object, expected: type | tuple[type, ...]) -> bool:
    # JSON true/false are Python bools, which are also ints: a bool is an int only where bool is what is expected.
    if isinstance(value, bool):
        allowed = expected if isinstance(expected, tuple) else (expected,)
        return bool in allowed
    return isinstance(value, expected)


_TYPE_NAMES = {
    "str": "a string",
    "int": "an integer",
    "bool": "a boolean",
    "Mapping": "an object",
    "list": "an array",
}


def _type_name(expected: type | tuple[type, ...]) -> str:
    allowed = expected if isinstance(expected, tuple) else (expected,)
    if float in allowed:
        return "a number"
    return " or ".join(
        _TYPE_NAMES.get(kind.__name__, kind.__name__) for kind in allowed
    )


def model_dict(src_dict: object, model: str) -> dict[str, Any]:
    """A copy of the JSON object a model is read from; refuses anything that is not an object with string keys."""
    if not isinstance(src_dict, Mapping):
        raise InvalidFieldTypeError(
            model, "", f"expected an object, got {_describe(src_dict)}"
        )
    for key in src_dict:
        if not isinstance(key, str):
            raise InvalidFieldTypeError(
                model, "", f"keys must be strings, got {_describe(key)}"
            )
    return dict(src_dict)


def pop_field(
    d: dict[str, Any],
    key: str,
    model: str,
    expected: type | tuple[type, ...] | None = None,
    *,
    required: bool = True,
    choices: tuple[Any, ...] = (),
) -> Any:
    """Take `key` out of `d`, checking that it is present when required and of the type the contract declares."""
    if key not in d:
        if required:
            raise InvalidModelError(model, key, "required field is missing")
        return UNSET
    value = d.pop(key)
    if expected is not None and not _has_type(value, expected):
        raise InvalidFieldTypeError(
            model, key, f"expected {_type_name(expected)}, got {_describe(value)}"
        )
    if choices and value not in choices:
        allowed = ", ".join(repr(choice) for choice in choices)
        raise InvalidFieldTypeError(
            model, key, f"{_describe(value)} is not one of {allowed}"
        )
    return value


def refuse_unknown(d: Mapping[str, Any], model: str) -> None:
    """Refuse the keys left in `d` once every declared field was taken: the schema says `additionalProperties: false`."""
    if d:
        unknown = sorted(d)
        shown = ", ".join(_describe(key) for key in unknown[:5]) + (
            ", ..." if len(unknown) > 5 else ""
        )
        first = (
            unknown[0]
            if len(unknown[0]) <= _SHOWN
            else unknown[0][: _SHOWN - 3] + "..."
        )
        raise InvalidModelError(
            model, first, f"unknown field (the contract allows no other keys): {shown}"
        )


def check_argument(
    argument: str, value: object, expected: type | tuple[type, ...]
) -> None:
    """Refuse an argument of the wrong type, or a string that cannot be encoded as UTF-8 (a lone surrogate)."""
    if not _has_type(value, expected):
        raise InvalidArgumentTypeError(
            argument, f"expected {_type_name(expected)}, got {_describe(value)}"
        )
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidArgumentError(
                argument,
                f"is not valid Unicode at position {exc.start} (a lone surrogate)",
            ) from None


def check_json_body(body: Any) -> None:
    """Refuse, before anything is sent, a JSON body httpx could not serialise: NaN or infinity, a value of no JSON
    type, a string that is not valid Unicode. httpx serialises only when sending, outside `_get_kwargs`."""
    try:
        json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except TypeError as exc:
        raise InvalidArgumentTypeError("body", str(exc)[:200]) from None
    except UnicodeEncodeError as exc:
        raise InvalidArgumentError(
            "body",
            f"is not valid Unicode at position {exc.start} of its JSON (a lone surrogate)",
        ) from None
    except ValueError as exc:
        raise InvalidArgumentError("body", str(exc)[:200]) from None


__all__ = [
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "InvalidFieldTypeError",
    "InvalidModelError",
    "UnexpectedStatus",
]
