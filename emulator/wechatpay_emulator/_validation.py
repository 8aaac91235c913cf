"""Validation of API requests against `openapi/payscore-acquiringbank.yaml` itself, through openapi-core.

No rule is copied here: routes, parameters, patterns, lengths, enums and formats are read from the contract, and so
are the rules OpenAPI cannot state: an operation's `x-exactly-one-of` (exactly one of those query parameters), its
`x-rules` (interpreted by `_rules`) and, from its `x-outcome`, where the order number is. Two things are added so
that the contract means what it says:

- the format `wechatpay-paid-time` the contract names (calendar validity: no 30 February, leap years);
- ECMA-262 semantics for `pattern` (JSON Schema's regex dialect), where `$` matches only at the very end of the
  input; Python's `re` also lets `$` match before a final newline, which would accept `ABC\\n` as an order number.
"""

from __future__ import annotations

import datetime
import json
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any, cast

import attrs
import jsonschema.exceptions  # type: ignore[import-untyped]
import jsonschema.validators  # type: ignore[import-untyped]
import yaml
from jsonschema.protocols import Validator  # type: ignore[import-untyped]
from jsonschema_path import SchemaPath
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.validation.request.exceptions import (
    MissingRequestBody,
    ParameterValidationError,
    RequestBodyValidationError,
    SecurityValidationError,
)
from openapi_core.validation.request.validators import V31RequestValidator
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from openapi_core.validation.schemas.factories import DialectSchemaValidatorsFactory
from openapi_schema_validator import OAS31_BASE_DIALECT_ID, OAS30ReadValidator, OAS31Validator
from werkzeug.datastructures import Headers, ImmutableMultiDict

from ._rules import Rule, parse_rules, resolve

__all__ = [
    "CONTRACT_FILE",
    "Contract",
    "ParamProblem",
    "Route",
    "load_contract",
    "media_type_of",
    "paid_time_is_valid",
]

CONTRACT_FILE = "payscore-acquiringbank.yaml"
_TEMPLATE_PARAM = re.compile(r"\{([^{}/]+)\}")
_ABSENT: Any = object()


def paid_time_is_valid(value: object) -> bool:
    """Format `wechatpay-paid-time`: `yyyyMMddHHmmss` or `yyyyMMdd` naming a moment that exists in the calendar.

    Reproduces WeChat Pay refusing a `paid_time` of 30 February (29 February only in leap years). Like every JSON
    Schema format it says nothing about non-strings (the `type` keyword refuses those).
    """
    if not isinstance(value, str):
        return True
    if len(value) not in (8, 14) or not value.isascii() or not value.isdigit():
        return False
    try:
        datetime.datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10] or 0),
            int(value[10:12] or 0),
            int(value[12:14] or 0),
        )
    except ValueError:
        return False
    return True


FORMAT_CHECKERS: dict[str, Callable[[Any], bool]] = {"wechatpay-paid-time": paid_time_is_valid}


def ecma_anchored(pattern: str) -> str:
    """The pattern with each end anchor `$` (outside a character class, not escaped) made `\\Z`.

    In ECMA-262 without the `m` flag `$` matches only at the end of the input; `\\Z` is that in Python.
    """
    out: list[str] = []
    in_class = False
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(char + next(chars, ""))
        elif in_class:
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
        else:
            out.append(r"\Z" if char == "$" else char)
    return "".join(out)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_anchored(pattern))


def _ecma_pattern(
    _validator: Validator, pattern: str, instance: object, _schema: Mapping[str, Any]
) -> Iterator[jsonschema.exceptions.ValidationError]:
    if isinstance(instance, str) and not _compiled(pattern).search(instance):
        yield jsonschema.exceptions.ValidationError(f"{instance!r} does not match {pattern!r}")


def _whole_number(_checker: object, instance: object) -> bool:
    """`integer` is a JSON number written without a fraction: WeChat Pay's amounts are whole fen, and `5.0` is
    refused as a parameter error rather than taken for 5 (JSON Schema alone would accept it)."""
    return isinstance(instance, int) and not isinstance(instance, bool)


# OAS 3.1's validator with `pattern` given ECMA semantics and `integer` meaning a whole number as written; the format
# checker is the one openapi-core uses for 3.1.
_StrictOAS31Validator = jsonschema.validators.extend(
    OAS31Validator,
    {"pattern": _ecma_pattern},
    type_checker=OAS31Validator.TYPE_CHECKER.redefine("integer", _whole_number),
)


class _StrictDialectFactory(DialectSchemaValidatorsFactory):
    # The contract uses OAS 3.1's default dialect throughout; every schema gets the strict validator.
    def get_validator_cls(self, spec: SchemaPath, schema: SchemaPath) -> type[Validator]:
        return cast(type[Validator], _StrictOAS31Validator)


class _StrictV31RequestValidator(V31RequestValidator):
    schema_validators_factory = _StrictDialectFactory(
        OAS31Validator, OAS31_BASE_DIALECT_ID, format_checker=OAS30ReadValidator.FORMAT_CHECKER
    )


@attrs.frozen
class Route:
    """A request target matched to a contract operation, with its path parameters percent-decoded."""

    template: str
    method: str
    path_params: Mapping[str, str]
    undecodable: str | None = None
    operation_id: str | None = None


@attrs.frozen
class ParamProblem:
    """A contract violation, in the shape of WeChat Pay's `400 PARAM_ERROR` detail."""

    field: str
    issue: str
    location: str
    value: Any = _ABSENT

    def detail(self) -> dict[str, Any]:
        """`{"field", "value", "issue", "location"}`; `value` left out when there is none (a missing field)."""
        data: dict[str, Any] = {"field": self.field}
        if self.value is not _ABSENT:
            data["value"] = self.value
        data.update(issue=self.issue, location=self.location)
        return data


@attrs.define
class _ContractRequest:
    """The request as openapi-core's `Request` protocol wants it, built from the raw ASGI data."""

    host_url: str
    path: str
    path_pattern: str
    method: str
    parameters: RequestParameters
    content_type: str
    body: bytes | None


def _pointer(path: Sequence[object]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _first_null(document: object) -> list[object] | None:
    # Iterative: a body at the size cap can nest deeper than Python's recursion limit.
    stack: list[tuple[object, list[object]]] = [(document, [])]
    while stack:
        node, path = stack.pop()
        if node is None:
            return path
        if isinstance(node, dict):
            stack.extend((value, [*path, key]) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((value, [*path, index]) for index, value in reversed(list(enumerate(node))))
    return None


_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_TYPE = re.compile(rf"({_TCHARS}/{_TCHARS})[ \t]*")
_MEDIA_PARAMETER = re.compile(rf'[ \t]*{_TCHARS}=(?:{_TCHARS}|"(?:[^"\\\r\n]|\\[^\r\n])*")[ \t]*')


def media_type_of(content_type: str) -> str | None:
    """The lower-case `type/subtype` of a `Content-Type` value, or None when it is not RFC 9110's
    `type/subtype *( ";" parameter )` with every parameter a `name=value` pair (`; charset` and `;;` are not)."""
    media, *parameters = content_type.split(";")
    found = _MEDIA_TYPE.fullmatch(media.strip(" \t"))
    if found is None or not all(_MEDIA_PARAMETER.fullmatch(parameter) for parameter in parameters):
        return None
    return found.group(1).lower()


def _template_regex(template: str) -> str:
    # Literal parts escaped, each `{name}` one raw path segment (possibly empty: the schema then refuses it).
    parts: list[str] = []
    position = 0
    for found in _TEMPLATE_PARAM.finditer(template):
        parts.append(re.escape(template[position : found.start()]))
        parts.append(f"(?P<{found.group(1)}>[^/]*)")
        position = found.end()
    parts.append(re.escape(template[position:]))
    return "".join(parts)


class Contract:
    """The contract's operations, their data-written rules (`x-exactly-one-of`, `x-rules`, where `x-outcome` says
    the order number is) and an openapi-core validator built from it."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        servers = spec.get("servers") or [{"url": "https://api.mch.weixin.qq.com"}]
        self.host_url: str = servers[0]["url"]
        self._api = OpenAPI.from_dict(
            cast(dict[str, Any], spec),
            config=Config(extra_format_validators=FORMAT_CHECKERS, request_validator_cls=_StrictV31RequestValidator),
        )
        self._routes: list[tuple[re.Pattern[str], str, dict[str, str | None]]] = []
        self._exactly_one_of: dict[tuple[str, str], tuple[str, ...]] = {}
        self._rules: dict[str, tuple[Rule, ...]] = {}
        self._order_at: dict[str, str] = {}
        for template, item in spec.get("paths", {}).items():
            regex = _template_regex(template)
            methods: dict[str, str | None] = {}
            for key, declared in item.items():
                if key in {"get", "put", "post", "delete", "patch"}:
                    operation = declared or {}
                    operation_id = operation.get("operationId")
                    methods[key.upper()] = operation_id
                    self._exactly_one_of[(template, key.upper())] = tuple(operation.get("x-exactly-one-of", ()))
                    if operation_id is not None:
                        where = f"{key.upper()} {template}"
                        self._rules[operation_id] = parse_rules(operation.get("x-rules"), where)
                        order_at = (operation.get("x-outcome") or {}).get("order")
                        if isinstance(order_at, str):
                            self._order_at[operation_id] = order_at
            self._routes.append((re.compile(regex), template, methods))

    @property
    def operation_ids(self) -> frozenset[str]:
        """Every `operationId` of the contract."""
        return frozenset(self._rules)

    def rules(self, operation_id: str | None) -> tuple[Rule, ...]:
        """The operation's `x-rules` (none for an unknown operation)."""
        return self._rules.get(operation_id or "", ())

    def order_number(self, route: Route, query: str, body: bytes) -> str | None:
        """The `out_order_no` a request addresses, where the contract says it is: the operation's `x-outcome.order`
        (`path:NAME`, or a JSON pointer into the body, as for a create); else a path or query parameter named
        `out_order_no` (the reads). None when the request names none (or its body is not JSON): used to aim faults
        before the request is checked, so it never fails."""
        location = self._order_at.get(route.operation_id or "")
        if location is not None and location.startswith("path:"):
            return route.path_params.get(location.removeprefix("path:"))
        if location is not None:
            try:
                document = json.loads(body)
            except (ValueError, RecursionError):
                return None
            found = [value for _, value in resolve(document, location) if isinstance(value, str)]
            return found[0] if found else None
        if "out_order_no" in route.path_params:
            return route.path_params["out_order_no"]
        for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
            if name == "out_order_no":
                return value
        return None

    def match(self, method: str, raw_path: bytes) -> Route | None:
        """The operation a raw path (percent-escapes untouched) and method address, or None.

        Path parameters are matched on the raw path, segment by segment, and only then percent-decoded: an
        escaped `/` (`%2F`) stays inside its parameter (and the pattern then refuses it).
        """
        path = raw_path.decode("latin-1")
        for regex, template, methods in self._routes:
            found = regex.fullmatch(path)
            if found is None or method not in methods:
                continue
            operation_id = methods[method]
            params: dict[str, str] = {}
            for name, raw in found.groupdict().items():
                try:
                    params[name] = urllib.parse.unquote_to_bytes(raw).decode("utf-8")
                except UnicodeDecodeError:
                    return Route(template, method, params, undecodable=name, operation_id=operation_id)
            return Route(template, method, params, operation_id=operation_id)
        return None

    def validate(
        self, route: Route, headers: Sequence[tuple[str, str]], query: str, body: bytes
    ) -> ParamProblem | None:
        """The first contract violation of a request, or None when the contract accepts it.

        Before openapi-core sees the body, it must be strict JSON (UTF-8, no duplicate keys, no NaN) without any
        `null` (WeChat Pay: omit absent fields); each of those is a `PARAM_ERROR` of the body, never a 500.
        """
        if route.undecodable is not None:
            return ParamProblem(route.undecodable, "percent-escapes are not UTF-8", "path")
        header_map = Headers(list(headers))
        content_type = header_map.get("content-type")
        media_type = None if content_type is None else media_type_of(content_type)
        if content_type is not None and media_type is None:
            return ParamProblem("Content-Type", "the header is not a media type", "header", content_type)
        problem = self._check_json(body)
        if problem is not None:
            return problem
        request = _ContractRequest(
            host_url=self.host_url,
            path=route.template.format(**route.path_params),
            path_pattern=route.template,
            method=route.method.lower(),
            parameters=RequestParameters(
                query=ImmutableMultiDict(urllib.parse.parse_qsl(query, keep_blank_values=True)),
                header=header_map,
                cookie=ImmutableMultiDict(),
                path=dict(route.path_params),
            ),
            # The bare media type: its parameters were checked above, and openapi-core's own parser of them crashes
            # on forms like `application/json; charset` or `;;`.
            content_type=media_type or "",
            body=body,
        )
        try:
            self._api.validate_request(request)
        except RecursionError:
            return ParamProblem("", "the body nests too deeply", "body")
        except (ParameterValidationError, RequestBodyValidationError, SecurityValidationError) as exc:
            return _problem_from(exc, body_present=bool(body))
        return self._check_exactly_one_of(route, query)

    def _check_exactly_one_of(self, route: Route, query: str) -> ParamProblem | None:
        """The operation's `x-exactly-one-of`: exactly one of those query parameters present, and present once.

        (Empty values are the schemas' business: each parameter of such a rule has `minLength: 1`.)
        """
        names = self._exactly_one_of.get((route.template, route.method), ())
        if not names:
            return None
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        for name in names:
            values = [value for key, value in pairs if key == name]
            if len(values) > 1:
                return ParamProblem(name, "the parameter is repeated", "query", values[1])
        given = [name for name in names if any(key == name for key, _ in pairs)]
        if len(given) != 1:
            rule = f"exactly one of {' and '.join(names)} is required"
            return ParamProblem(names[0] if not given else given[1], rule, "query")
        return None

    @staticmethod
    def _check_json(body: bytes) -> ParamProblem | None:  # noqa: PLR0911 - one return per kind of bad JSON
        if not body:
            return None
        try:
            document = json.loads(
                body.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant
            )
        except UnicodeDecodeError:
            return ParamProblem("", "the body is not UTF-8", "body")
        except _DuplicateKey as exc:
            return ParamProblem(f"/{exc}", "the key is repeated", "body")
        except RecursionError:
            return ParamProblem("", "the body nests too deeply", "body")
        except ValueError as exc:
            return ParamProblem("", f"the body is not valid JSON: {exc}", "body")
        null_path = _first_null(document)
        if null_path is not None:
            return ParamProblem(_pointer(null_path), "null is not allowed: omit an absent field", "body", None)
        return None


def _best_schema_error(exc: BaseException) -> tuple[jsonschema.exceptions.ValidationError, object] | None:
    cause = exc.__cause__
    if isinstance(cause, InvalidSchemaValue) and cause.schema_errors:
        best = jsonschema.exceptions.best_match(cause.schema_errors)
        if best is not None:
            return best, cause.value
    return None


def _problem_from(exc: BaseException, *, body_present: bool) -> ParamProblem:  # noqa: PLR0911 - one per error kind
    if isinstance(exc, ParameterValidationError):
        found = _best_schema_error(exc)
        if found is None:
            return ParamProblem(exc.name, str(exc), exc.location)
        error, value = found
        return ParamProblem(exc.name, error.message, exc.location, value)
    if isinstance(exc, SecurityValidationError):
        return ParamProblem("Authorization", "the WechatPay2 security requirement is not met", "header")
    if isinstance(exc, MissingRequestBody) or not body_present:
        return ParamProblem("", "the request body is required", "body")
    if isinstance(exc.__cause__, MediaTypeNotFound):
        return ParamProblem("Content-Type", "the body must be application/json", "header")
    if isinstance(exc.__cause__, MediaTypeDeserializeError):
        return ParamProblem("", "the body is not valid JSON", "body")
    found = _best_schema_error(exc)
    if found is None:
        return ParamProblem("", str(exc), "body")
    error, _ = found
    path = list(error.absolute_path)
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        required = cast(list[str], error.validator_value)
        missing = next((name for name in required if name not in instance), "")
        return ParamProblem(_pointer([*path, missing]), "is required", "body")
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        declared = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        extra = next((name for name in instance if name not in declared), "")
        return ParamProblem(_pointer([*path, extra]), "is not a field of this request", "body", instance.get(extra))
    return ParamProblem(_pointer(path), error.message, "body", instance)


def load_contract() -> Contract:
    """The contract shipped in the package (`contract/` links to `openapi/` in the repository, copied in wheels)."""
    text = resources.files("wechatpay_emulator").joinpath("contract", CONTRACT_FILE).read_text(encoding="utf-8")
    return Contract(yaml.safe_load(text))
