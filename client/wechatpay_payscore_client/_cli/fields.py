"""The flags of a command, derived from its operation in the contract: no field is listed here by hand.

Every flat field of an operation — a path or query parameter, or a top-level string, integer or boolean of its
request body — is a flag named after it (`total_amount` → `--total-amount`), described by the contract's text and
checked against the contract's schema when it is parsed (a value that breaks it is described, never quoted: it
could be a key pasted in the wrong place). The body's objects and arrays (payments, discounts, time range, ...)
are the nested parts that `--body FILE` carries.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
from wechatpay_auth import shown

from .._contract import contract_document, resolve
from .._verdicts import OutcomeRule, parse_outcome

__all__ = ["ORDER_FIELDS", "Field", "OperationShape", "operation_shape"]

# The order number and the ids that say whose order it is: the flags every command has had, grouped as "the order".
ORDER_FIELDS = ("out_order_no", "query_id", "service_id", "sub_mchid", "channel_id")

Kind = Literal["string", "integer", "boolean"]

# What the contract's patterns mean, in the words a message uses ("1 to 32 printable characters").
_ALPHABETS = {
    r"^[0-9A-Za-z_|*-]{1,32}$": "of [0-9A-Za-z_|*-]",
    r"^[\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFF]*$": "printable characters",
    r"^[\u0021-\u007E]*$": "visible ASCII characters",
    r"^[A-Z_]+$": "of [A-Z_]",
}
_NEVER = re.compile(r"(?!)")  # a refused value is described, never quoted
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,20}")
_SENTENCE_END = re.compile(r"(?<=[^.]{3}[.])(?<!e\.g\.)(?<!i\.e\.)\s")


@attrs.frozen
class Field:
    """One flat field of an operation: where it goes, its schema (resolved) and the flag that sets it."""

    name: str
    location: Literal["path", "query", "body"]
    kind: Kind
    schema: Mapping[str, Any] = attrs.field(repr=False)
    required: bool
    description: str = ""

    @property
    def flag(self) -> str:
        """`--total-amount` for `total_amount`."""
        return "--" + self.name.replace("_", "-")

    @property
    def dest(self) -> str:
        """Where argparse keeps the value: apart from the command's own options (`json`, `config`, ...)."""
        return "field." + self.name

    def help(self) -> str:
        """The first sentence of the contract's description, as argparse prints it (`%` doubled)."""
        first = _SENTENCE_END.split(" ".join(self.description.split()), maxsplit=1)[0]
        return first.replace("%", "%%")

    def parser(self) -> Callable[[str], Any]:
        """argparse `type=`: the typed value, checked against the contract's schema (refusals never quote it)."""
        return _parser(self.kind, dict(self.schema))


@attrs.frozen
class OperationShape:
    """What the command line needs to know of one operation of the contract."""

    operation_id: str
    method: str
    path: str
    summary: str
    fields: tuple[Field, ...]  # the flat fields, in the contract's order (path, query, then body)
    nested: tuple[str, ...]  # the body's objects and arrays: only `--body` sets them
    body_model: str | None  # the generated model of the request body
    answer_model: str | None  # the generated model of the declared success's body
    exactly_one_of: tuple[str, ...]
    outcome: OutcomeRule | None  # None: the operation changes no order

    @property
    def changes_order(self) -> bool:
        return self.outcome is not None

    @property
    def function_module(self) -> str:
        """The generated module of the operation: `completeServiceOrder` → `complete_service_order`."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.operation_id).lower()

    def field(self, name: str) -> Field | None:
        return next((field for field in self.fields if field.name == name), None)


def _operation(operation_id: str) -> tuple[str, str, Mapping[str, Any]]:
    for path, item in contract_document().get("paths", {}).items():
        for method, spec in item.items():
            if isinstance(spec, Mapping) and spec.get("operationId") == operation_id:
                return method.upper(), path, spec
    raise KeyError(f"the contract declares no operation {operation_id!r}")


def _kind(schema: Mapping[str, Any]) -> Kind | None:
    kind = schema.get("type")
    return kind if kind in ("string", "integer", "boolean") else None


def _description(declared: Mapping[str, Any], resolved: Mapping[str, Any]) -> str:
    # A property's own description (beside its `$ref`) says more than the shared schema's.
    return str(declared.get("description") or resolved.get("description") or "")


def _model_name(node: Any) -> str | None:
    if isinstance(node, Mapping) and "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    return None


@functools.cache
def operation_shape(operation_id: str) -> OperationShape:
    """The flags, nested parts and models of `operation_id`, read from the contract once per process."""
    document = contract_document()
    method, path, spec = _operation(operation_id)
    fields: list[Field] = []
    for raw in spec.get("parameters", ()):
        parameter = resolve(raw, document)
        schema = resolve(parameter.get("schema", {}), document)
        kind = _kind(schema)
        if kind is not None:
            fields.append(
                Field(
                    name=str(parameter["name"]),
                    location=parameter["in"],
                    kind=kind,
                    schema=schema,
                    required=bool(parameter.get("required", False)),
                    description=_description(parameter, schema),
                )
            )
    nested: list[str] = []
    body_model = None
    body = resolve(spec.get("requestBody"), document)
    if body is not None:
        declared = body["content"]["application/json"]["schema"]
        body_model = _model_name(declared)
        schema = resolve(declared, document)
        required = set(schema.get("required", ()))
        for name, prop in (schema.get("properties") or {}).items():
            resolved = resolve(prop, document)
            kind = _kind(resolved)
            if kind is None:
                nested.append(str(name))
                continue
            fields.append(Field(str(name), "body", kind, resolved, name in required, _description(prop, resolved)))
    answer_model = None
    for status, answer in spec.get("responses", {}).items():
        if str(status).startswith("2"):
            content = (resolve(answer, document) or {}).get("content") or {}
            answer_model = _model_name((content.get("application/json") or {}).get("schema"))
    outcome = spec.get("x-outcome")
    return OperationShape(
        operation_id=operation_id,
        method=method,
        path=path,
        summary=" ".join(str(spec.get("summary", operation_id)).split()),
        fields=tuple(fields),
        nested=tuple(nested),
        body_model=body_model,
        answer_model=answer_model,
        exactly_one_of=tuple(str(name) for name in spec.get("x-exactly-one-of", ())),
        outcome=parse_outcome(outcome) if outcome is not None else None,
    )


def expected(kind: Kind, schema: Mapping[str, Any]) -> str:
    """What a value of `schema` looks like, in words: `1 to 32 printable characters`, `a whole number from 0`."""
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"a whole number from {low} to {high}"
        return f"a whole number from {low}" if low is not None else "a whole number"
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    low, high = schema.get("minLength"), schema.get("maxLength")
    pattern = schema.get("pattern")
    size = f"{low or 1} to {high}" if high is not None else f"at least {low or 1}"
    words = _ALPHABETS.get(str(pattern))
    if words is not None:
        return f"{size} {words}"
    text = f"{size} characters" + (f" matching {pattern}" if pattern else "")
    example = schema.get("example")
    return text + (f" (e.g. {example})" if isinstance(example, str) else "")


def _parser(kind: Kind, schema: dict[str, Any]) -> Callable[[str], Any]:
    import argparse  # noqa: PLC0415 - the errors argparse reports as usage errors

    @functools.cache
    def validator() -> Any:
        import jsonschema_rs  # noqa: PLC0415 - the contract's own rules (ECMA-262 patterns), on first use

        return jsonschema_rs.Draft202012Validator(schema)

    def parse(text: str) -> Any:
        value: Any = text
        if kind == "integer":
            value = int(text) if _WHOLE_NUMBER.fullmatch(text) else None
        if value is None or not validator().is_valid(value):
            alphabet = _WHOLE_NUMBER if kind == "integer" else _NEVER
            raise argparse.ArgumentTypeError(f"expected {expected(kind, schema)}; got {shown(text, alphabet)}")
        return value

    return parse
