"""The OpenAPI contract, read at run time: operations, their path templates and compiled JSON Schema validators.

The package carries `contract/payscore-acquiringbank.yaml` (a link to `openapi/` in the repository, a copy in the
installed wheel), so validation uses the same rules as the emulator and the spec reviewers read: there is no second,
hand-copied list of rules here.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from ._body_rules import BodyRule, parse_rules
from ._paid_time import paid_time_moment
from ._verdicts import OutcomeRule, parse_outcome, pointer_tokens

if TYPE_CHECKING:
    import jsonschema_rs

__all__ = [
    "FORMAT_CHECKERS",
    "Contract",
    "Operation",
    "Parameter",
    "contract_document",
    "load_contract",
    "paid_time_is_valid",
    "resolve",
]

CONTRACT_FILE = "payscore-acquiringbank.yaml"
_TEMPLATE_PARAM = re.compile(r"\{([^{}/]+)\}")


def paid_time_is_valid(value: str) -> bool:
    """Format `wechatpay-paid-time`: `yyyyMMddHHmmss` or `yyyyMMdd` naming a moment that exists in the calendar.

    The spec's `pattern` already bounds each field (month 01-12, hour 00-23, ...); this adds what a regular
    expression cannot say: the day must exist in that month of that year (no 30 February; 29 February only in a
    leap year).
    """
    return isinstance(value, str) and paid_time_moment(value) is not None


# Formats the contract names beyond JSON Schema's own, with the checker that gives each its meaning.
FORMAT_CHECKERS = {"wechatpay-paid-time": paid_time_is_valid}


def _compile(schema: Mapping[str, Any], components: Mapping[str, Any]) -> jsonschema_rs.Validator:
    import jsonschema_rs  # noqa: PLC0415 - needed from the first create_client() on, not at import

    # `$ref`s in the spec point at `#/components/...`: give the validator a root that has them.
    root = {**schema, "components": components}
    return jsonschema_rs.Draft202012Validator(root, formats=FORMAT_CHECKERS, validate_formats=True)


@attrs.frozen
class Parameter:
    """A declared path, query or header parameter with its compiled schema."""

    name: str
    location: str
    required: bool
    schema: Mapping[str, Any]
    validator: jsonschema_rs.Validator = attrs.field(repr=False, eq=False)


@attrs.frozen
class Operation:
    """One operation of the contract: `method` + `path` template, its parameters, body schema and answers."""

    operation_id: str
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    body_required: bool
    body_validator: jsonschema_rs.Validator | None = attrs.field(repr=False, eq=False)
    statuses: frozenset[int]
    path_regex: re.Pattern[str] = attrs.field(repr=False, eq=False)
    # `x-exactly-one-of`: query parameters of which exactly one must be present (OpenAPI cannot say so itself).
    exactly_one_of: tuple[str, ...] = ()
    # The JSON body schema of each declared success that has one (a query's order): a verified answer that breaks
    # it is not the declared success.
    success_bodies: Mapping[int, jsonschema_rs.Validator] = attrs.field(factory=dict, repr=False, eq=False)
    # `x-outcome`: what the answer of a state-changing operation means (None: the operation changes nothing).
    outcome: OutcomeRule | None = None
    # `x-rules`: rules across body fields that JSON Schema cannot say.
    rules: tuple[BodyRule, ...] = ()
    # JSON pointers of the body's `wechatpay-paid-time` fields: a payment cannot be later than its report.
    paid_time_fields: tuple[str, ...] = ()
    # The generated model of the declared success's body (`ServiceOrder`, ...), and the fields it requires: an
    # answer that lacks one of the ids it was asked about is about another thing.
    success_model: str | None = None
    answer_required: tuple[str, ...] = ()
    # The declared 2xx answers: the only ones a call may return as success.
    success_statuses: frozenset[int] = attrs.field(init=False, eq=False)
    # Derived once from `parameters` and `path` (every call reads them): the path parameters, each with the name
    # of its group in `path_regex`, and the declared query parameters by name.
    _path_parameters: tuple[Parameter, ...] = attrs.field(init=False, eq=False, repr=False)
    path_groups: tuple[tuple[str, str], ...] = attrs.field(init=False, eq=False, repr=False)
    query_parameters: Mapping[str, Parameter] = attrs.field(init=False, eq=False, repr=False)
    # `paid_time_fields` as RFC 6901 tokens, unescaped.
    paid_time_tokens: tuple[tuple[str, ...], ...] = attrs.field(init=False, eq=False, repr=False)
    # The literal text the template ends with (after its last parameter): a path that does not end with it cannot
    # match `path_regex`, which `match` then need not run.
    path_tail: str = attrs.field(init=False, eq=False, repr=False)

    @success_statuses.default
    def _successes(self) -> frozenset[int]:
        return frozenset(status for status in self.statuses if 200 <= status < 300)

    @_path_parameters.default
    def _path_only(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @path_groups.default
    def _groups(self) -> tuple[tuple[str, str], ...]:
        return tuple((p.name, _group(p.name)) for p in self._path_parameters)

    @query_parameters.default
    def _query_only(self) -> Mapping[str, Parameter]:
        return MappingProxyType({p.name: p for p in self.parameters if p.location == "query"})

    @paid_time_tokens.default
    def _paid_time_tokens(self) -> tuple[tuple[str, ...], ...]:
        return tuple(pointer_tokens(pointer) for pointer in self.paid_time_fields)

    @path_tail.default
    def _path_tail(self) -> str:
        return _TEMPLATE_PARAM.split(self.path)[-1]

    def path_parameters(self) -> tuple[Parameter, ...]:
        return self._path_parameters

    def dot_segment_targets(self) -> list[tuple[Parameter, str, re.Pattern[str]]]:
        """For each path parameter, the paths a `.` or `..` value turns this operation into.

        RFC 3986 removes dot segments, and httpx does it while building the URL, so `out_order_no=".."` silently
        retargets the call to another path. Knowing those paths lets the validator name the parameter instead of
        reporting an unknown path.
        """
        targets = []
        for parameter in self.path_parameters():
            for dots in (".", ".."):
                path = self.path.replace("{" + parameter.name + "}", dots)
                normalized = posixpath.normpath(path)
                if path.endswith("/") and not normalized.endswith("/"):
                    normalized += "/"
                targets.append((parameter, dots, _template_regex(normalized)))
        return targets


def _template_regex(template: str) -> re.Pattern[str]:
    parts = _TEMPLATE_PARAM.split(template)
    # split() alternates literal text and parameter names
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{_group(part)}>[^/]*)" for index, part in enumerate(parts)
    )
    return re.compile(pattern)


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


@attrs.frozen
class Contract:
    """The operations and component schemas of the contract, ready to validate requests and error bodies."""

    title: str
    version: str
    servers: tuple[str, ...]
    operations: tuple[Operation, ...]
    error_validator: jsonschema_rs.Validator = attrs.field(repr=False, eq=False)
    # The operations of each method, in the contract's order (derived once: `match` runs on every call).
    _by_method: Mapping[str, tuple[Operation, ...]] = attrs.field(init=False, eq=False, repr=False)

    @_by_method.default
    def _methods(self) -> Mapping[str, tuple[Operation, ...]]:
        methods = dict.fromkeys(operation.method for operation in self.operations)
        return MappingProxyType(
            {method: tuple(op for op in self.operations if op.method == method) for method in methods}
        )

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation answering `method` on the raw (still percent-encoded) `path`, with its raw path values.

        The first operation of the contract, in its order, whose template matches.
        """
        for operation in self._by_method.get(method.upper(), ()):
            if not path.endswith(operation.path_tail):
                continue  # the template's regex ends with this literal text
            found = operation.path_regex.fullmatch(path)
            if found is not None:
                return operation, {name: found.group(group) for name, group in operation.path_groups}
        return None

    def operation(self, operation_id: str) -> Operation:
        for operation in self.operations:
            if operation.operation_id == operation_id:
                return operation
        raise KeyError(operation_id)


def resolve(node: Any, document: Mapping[str, Any]) -> Any:
    """Follow a local `$ref` (`#/components/...`) to the object it names."""
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = document
        for token in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _operations(document: Mapping[str, Any]) -> tuple[Operation, ...]:
    components = document.get("components", {})
    operations = []
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in ("get", "put", "post", "delete", "patch"):
            spec = item.get(method)
            if spec is None:
                continue
            parameters = []
            for raw in [*shared, *spec.get("parameters", [])]:
                parameter = resolve(raw, document)
                schema = parameter.get("schema", {})
                parameters.append(
                    Parameter(
                        name=parameter["name"],
                        location=parameter["in"],
                        required=bool(parameter.get("required", False)),
                        schema=schema,
                        validator=_compile(schema, components),
                    )
                )
            body = resolve(spec.get("requestBody"), document)
            body_validator = None
            paid_time_fields: tuple[str, ...] = ()
            if body is not None:
                schema = body["content"]["application/json"]["schema"]
                body_validator = _compile(schema, components)
                paid_time_fields = tuple(_format_fields(schema, document, "wechatpay-paid-time"))
            outcome = spec.get("x-outcome")
            operations.append(
                Operation(
                    operation_id=spec["operationId"],
                    method=method.upper(),
                    path=path,
                    parameters=tuple(parameters),
                    body_required=bool(body and body.get("required", False)),
                    body_validator=body_validator,
                    statuses=frozenset(int(status) for status in spec.get("responses", {}) if status.isdigit()),
                    path_regex=_template_regex(path),
                    exactly_one_of=tuple(str(name) for name in spec.get("x-exactly-one-of", ())),
                    success_bodies=_success_bodies(spec, document, components),
                    outcome=parse_outcome(outcome) if outcome is not None else None,
                    rules=parse_rules(spec.get("x-rules") or ()),
                    paid_time_fields=paid_time_fields,
                    **_success_model(spec, document),
                )
            )
    return tuple(operations)


def _success_model(spec: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """The name of the schema a declared 2xx answer's body refers to, and the fields it (with its `allOf`) requires."""
    for status, answer in spec.get("responses", {}).items():
        if not (status.isdigit() and 200 <= int(status) < 300):
            continue
        content = (resolve(answer, document) or {}).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        if not isinstance(schema, Mapping) or "$ref" not in schema:
            continue
        resolved = resolve(schema, document)
        required = list(resolved.get("required", ()))
        for part in resolved.get("allOf", ()):
            required += resolve(part, document).get("required", ())
        return {"success_model": str(schema["$ref"]).rsplit("/", 1)[-1], "answer_required": tuple(required)}
    return {}


def _format_fields(schema: Any, document: Mapping[str, Any], name: str, pointer: str = "") -> list[str]:
    """JSON pointers of the object properties (nested objects included) whose schema names `format: name`."""
    node = resolve(schema, document)
    if not isinstance(node, Mapping):
        return []
    if node.get("format") == name:
        return [pointer]
    found: list[str] = []
    for key, child in (node.get("properties") or {}).items():
        found += _format_fields(child, document, name, f"{pointer}/{key}")
    return found


def _success_bodies(
    spec: Mapping[str, Any], document: Mapping[str, Any], components: Mapping[str, Any]
) -> dict[int, jsonschema_rs.Validator]:
    bodies = {}
    for status, answer in spec.get("responses", {}).items():
        if not (status.isdigit() and 200 <= int(status) < 300):
            continue
        content = (resolve(answer, document) or {}).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        if schema is not None:
            bodies[int(status)] = _compile(schema, components)
    return bodies


def contract_path() -> Path:
    """Where the installed package keeps the contract."""
    from importlib import resources  # noqa: PLC0415 - once per process

    return Path(str(resources.files(__package__ or "wechatpay_payscore_client") / "contract" / CONTRACT_FILE))


@functools.cache
def contract_document(path: Path | None = None) -> Mapping[str, Any]:
    """The contract's YAML, parsed once per process and shared (by `load_contract` and the command line): read it,
    never change it."""
    import yaml  # noqa: PLC0415 - only needed once, at the first create_client(), not at import

    source = path or contract_path()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document: Mapping[str, Any] = yaml.load(source.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe
    return document


@functools.cache
def load_contract(path: Path | None = None) -> Contract:
    """Parse the contract once per process (at `create_client()`, never per request)."""
    document = contract_document(path)
    components = document.get("components", {})
    return Contract(
        title=document["info"]["title"],
        version=document["info"]["version"],
        servers=tuple(server["url"] for server in document.get("servers", [])),
        operations=_operations(document),
        error_validator=_compile({"$ref": "#/components/schemas/ErrorResponse"}, components),
    )
