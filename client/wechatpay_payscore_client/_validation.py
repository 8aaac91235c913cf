"""Refuse a request that breaks the contract before it is signed or sent.

The rules are the spec's own (`pattern`, `maxLength`, `enum`, `required`, `additionalProperties`, the
`wechatpay-paid-time` format, ...), checked with a compiled JSON Schema validator with ECMA-262 regular expressions,
as JSON Schema prescribes (Python's `re` would let `$` match before a trailing newline).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from ._body_rules import check_rules
from ._contract import Contract, Operation, Parameter
from ._errors import RequestValidationError, ValidationProblem

if TYPE_CHECKING:
    import jsonschema_rs

__all__ = ["RequestValidator"]


def _pointer(path: Iterable[str | int]) -> str:
    """RFC 6901 JSON pointer of an instance path, the way WeChat Pay names body fields (`/detail/paid_time`)."""
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in path)


def _rule(error: jsonschema_rs.ValidationError) -> str:
    """The broken keyword with its value from the spec, e.g. `maxLength: 32`."""
    details = error.kind.as_dict()
    value = next(iter(details.values())) if len(details) == 1 else details
    if error.kind.name == "additionalProperties":
        value = False
    return f"{error.kind.name}: {value}"


def _problems(
    validator: jsonschema_rs.Validator, instance: Any, *, location: str, field: str
) -> list[ValidationProblem]:
    if validator.is_valid(instance):
        return []  # the common case: one pass, without building the iterator of errors
    problems = []
    for error in validator.iter_errors(instance):
        pointer = _pointer(error.instance_path)
        name = field + pointer if location != "body" else pointer or "/"
        value = error.instance
        message = error.message
        if error.kind.name == "required":
            name = pointer + "/" + str(error.kind.as_dict().get("property"))
            value = None
            message = "missing"
        elif error.kind.name == "additionalProperties":
            unexpected = [str(key) for key in error.kind.as_dict().get("unexpected") or []]
            name = pointer + "/" + ",".join(unexpected)
            value = {key: value[key] for key in unexpected} if isinstance(value, dict) else value
            message = f"not a field of the contract ({', '.join(unexpected)}); remove it"
        elif error.kind.name == "pattern" and isinstance(value, str) and any(ord(char) > 0xFFFF for char in value):
            message += "; it contains a character outside the Basic Multilingual Plane (4-byte UTF-8, e.g. an emoji)"
        elif error.kind.name == "pattern" and isinstance(value, str) and any(ord(char) < 0x20 for char in value):
            message += "; it contains a control character (a line break, a tab, NUL...)"
        elif error.kind.name == "type" and value is None:
            message += "; omit an absent optional field instead of sending null"
        problems.append(
            ValidationProblem(location=location, field=name, value=value, rule=_rule(error), message=message)
        )
    return problems


class RequestValidator:
    """Check a request's path, query and JSON body against the operation the contract declares for it."""

    def __init__(self, contract: Contract, *, base_path: str = "") -> None:
        self._contract = contract
        self._base_path = base_path.rstrip("/")

    def validate(self, method: str, raw_target: str, body: bytes) -> Operation:
        """Return the matched operation, or raise `RequestValidationError` naming every broken rule.

        `raw_target` is the path and query exactly as they will be sent (percent-encoded).
        """
        return self.validate_parsed(method, raw_target, body)[0]

    def validate_parsed(self, method: str, raw_target: str, body: bytes) -> tuple[Operation, Any]:
        """`validate`, also returning the parsed JSON body (None without one), for rules beyond the schema."""
        operation, instance, _ = self.validate_call(method, raw_target, body)
        return operation, instance

    def validate_call(self, method: str, raw_target: str, body: bytes) -> tuple[Operation, Any, dict[str, str]]:
        """`validate_parsed`, also returning the raw (percent-encoded) values of the path parameters."""
        raw_path, _, query = raw_target.partition("?")
        path = raw_path
        if self._base_path and path.startswith(self._base_path + "/"):
            path = path[len(self._base_path) :]
        matched = self._contract.match(method, path)
        if matched is None:
            raise RequestValidationError([self._unknown_path(method, path)], method=method, path=raw_target)
        operation, raw_values = matched
        problems = self._check_path(operation, raw_values)
        problems += self._check_query(operation, query)
        body_problems, instance = self._check_body(operation, body)
        problems += body_problems
        if operation.rules and not body_problems and instance is not None:
            # Rules across fields read fields the schema has vouched for.
            problems += check_rules(operation.rules, instance)
        if problems:
            raise RequestValidationError(problems, method=method, path=raw_target)
        return operation, instance, raw_values

    def _unknown_path(self, method: str, path: str) -> ValidationProblem:
        for operation in self._contract.operations:
            if operation.method != method.upper():
                continue
            for parameter, dots, regex in operation.dot_segment_targets():
                if regex.fullmatch(path):
                    return ValidationProblem(
                        location="path",
                        field=parameter.name,
                        value=dots,
                        rule=f"pattern: {parameter.schema.get('pattern')}",
                        message=(
                            f"{dots!r} is a dot segment: URL normalisation would send the call to {path} instead of "
                            f"{operation.path}"
                        ),
                    )
        known = ", ".join(f"{op.method} {op.path}" for op in self._contract.operations)
        return ValidationProblem(
            location="path",
            field="(path)",
            value=path,
            rule="an operation of the contract",
            message=f"no operation of the contract answers {method.upper()} {path}; it declares: {known}",
        )

    @staticmethod
    def _check_path(operation: Operation, raw_values: dict[str, str]) -> list[ValidationProblem]:
        problems: list[ValidationProblem] = []
        for parameter in operation.path_parameters():
            raw = raw_values.get(parameter.name, "")
            try:
                value = unquote(raw, errors="strict") if "%" in raw else raw
            except UnicodeDecodeError:
                value = raw
            problems += _check_parameter(parameter, value)
        return problems

    @staticmethod
    def _check_query(operation: Operation, query: str) -> list[ValidationProblem]:
        declared = operation.query_parameters
        if not query and not declared and not operation.exactly_one_of:
            return []  # nothing sent, nothing declared: nothing to check (a POST of the family)
        pairs = parse_qsl(query, keep_blank_values=True)
        problems: list[ValidationProblem] = []
        seen = set()
        for name, value in pairs:
            seen.add(name)
            parameter = declared.get(name)
            if parameter is None:
                problems.append(
                    ValidationProblem("query", name, value, "declared query parameters", "not declared by the contract")
                )
                continue
            problems += _check_parameter(parameter, value)
        for name, parameter in declared.items():
            if parameter.required and name not in seen:
                problems.append(ValidationProblem("query", name, None, "required: true", "missing"))
        names = [name for name, _ in pairs]
        for name in sorted({name for name in names if names.count(name) > 1}):
            problems.append(ValidationProblem("query", name, None, "once", "given more than once"))
        if operation.exactly_one_of:
            present = [name for name in operation.exactly_one_of if name in seen]
            if len(present) != 1:
                choices = " / ".join(operation.exactly_one_of)
                problems.append(
                    ValidationProblem(
                        "query",
                        choices,
                        present or None,
                        f"x-exactly-one-of: {list(operation.exactly_one_of)}",
                        f"give exactly one of {choices}, got {len(present)}",
                    )
                )
        return problems

    @staticmethod
    def _check_body(operation: Operation, body: bytes) -> tuple[list[ValidationProblem], Any]:
        if operation.body_validator is None:
            if body:
                no_body = ValidationProblem("body", "/", _text(body), "no request body", "this operation takes no body")
                return [no_body], None
            return [], None
        if not body:
            if operation.body_required:
                missing = ValidationProblem("body", "/", None, "requestBody required", "the JSON body is missing")
                return [missing], None
            return [], None
        try:
            instance = json.loads(body)
        except (ValueError, RecursionError) as exc:
            return [ValidationProblem("body", "/", _text(body), "application/json", f"not JSON: {exc}")], None
        return _problems(operation.body_validator, instance, location="body", field=""), instance


def _check_parameter(parameter: Parameter, value: str) -> list[ValidationProblem]:
    return _problems(parameter.validator, value, location=parameter.location, field=parameter.name)


def _text(body: bytes, limit: int = 80) -> str:
    return body[:limit].decode("utf-8", errors="replace")
