"""Running one command: build its call from the flags (and `--body`), send it through the ready client, report.

Every command runs here, the same way: the request is built and checked against the contract before the merchant
configuration is read; the client reconciles an operation that changes an order unless `--no-reconcile` (and
refuses, unsent, a call whose evidence query would lack what it needs); the outcome — an answer or exactly one
error — becomes one `Report`, its exit status read from the one table (`exits.exit_code_for`).
"""

from __future__ import annotations

import argparse
import importlib
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

import attrs
from wechatpay_auth import ConfigurationError, UnknownSerialError, WechatPayError, verification_of

from .._errors import RequestValidationError, SignatureRejectedError, ValidationProblem, WechatPayAPIError
from .._settings import ClientSettings, settings_from_args
from .body import check_request, read_body, request_target
from .commands import Command
from .exits import ExitCode, exit_code_for
from .report import Report, emit, error_fields, plain, problem_fields
from .shown import safe_text

if TYPE_CHECKING:
    import httpx

    from .._factory import WechatPayClient

__all__ = ["Call", "prepare", "run_command"]

_PATH_PARAMETER = re.compile(r"\{([^{}/]+)\}")


@attrs.frozen
class Call:
    """A call ready to send: what it is about, what it sends, and how."""

    out_order_no: str | None
    which: str | None  # what names the order: its number, or the query id
    request: Mapping[str, Any]
    send: Callable[[WechatPayClient], Any] = attrs.field(repr=False)


class _Wire:
    """A request hook: whether a request of the command was signed and handed to the network."""

    def __init__(self) -> None:
        self.left = False

    def __call__(self, request: httpx.Request) -> None:
        self.left = True


def _set(body: dict[str, Any], pointer: tuple[str, ...], value: Any) -> None:
    for key in pointer[:-1]:
        inner = body.get(key)
        body[key] = inner = dict(inner) if isinstance(inner, Mapping) else {}
        body = inner
    body[pointer[-1]] = value


def prepare(command: Command, args: argparse.Namespace) -> Call:
    """The call the flags describe, checked against the contract; `RequestValidationError` names what is wrong.

    Rule: `--body` first, then the constant fields, then the flags (they fill or override its top-level fields).
    """
    shape = command.shape
    fields = command.flag_fields()
    values = {field.name: value for field in fields if (value := getattr(args, field.dest, None)) is not None}
    located = {field.name: field.location for field in fields}
    path_values = {name: value for name, value in values.items() if located[name] == "path"}
    module: Any = importlib.import_module(f"wechatpay_payscore.api.payscore.{shape.function_module}")
    if shape.body_model is None:
        params = {name: value for name, value in values.items() if located[name] == "query"}
        number = params.get("out_order_no")

        def query(client: WechatPayClient) -> Any:
            return module.sync_detailed(client=client, **params)

        return Call(number, number or params.get("query_id"), params, query)
    target = request_target(shape.path, path_values)
    source = getattr(args, "body", None)
    body = read_body(source, method=shape.method, path=target) if command.takes_body_file and source else {}
    body.update(command.constants)
    body.update({name: value for name, value in values.items() if located[name] == "body"})
    for nested in command.nested_flags:
        _set(body, nested.pointer, getattr(args, nested.dest))
    check_request(shape.method, target, body)
    from wechatpay_payscore import models  # noqa: PLC0415 - generated from the contract

    try:
        model = getattr(models, str(shape.body_model)).from_dict(body)
    except (KeyError, TypeError, ValueError) as exc:  # the contract passed it: a model out of step with it
        problem = ValidationProblem("body", "/", None, f"the generated {shape.body_model}", safe_text(exc))
        raise RequestValidationError([problem], method=shape.method, path=target) from None
    positional = [path_values[name] for name in _PATH_PARAMETER.findall(shape.path)]
    number = path_values.get("out_order_no", body.get("out_order_no"))
    number = number if isinstance(number, str) else None

    def send(client: WechatPayClient) -> Any:
        return module.sync_detailed(*positional, client=client, body=model)

    return Call(number, number, model.to_dict(), send)


def run_command(command: Command, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The handler of every command: one call, one report, one exit status."""
    shape = command.shape
    report = Report(command=command.name, changes_order=shape.changes_order)
    report.out_order_no = getattr(args, "field.out_order_no", None)
    wire = _Wire()
    settings: ClientSettings | None = None
    try:
        call = prepare(command, args)
        report.out_order_no, report.request = call.out_order_no, dict(call.request)
        settings = settings_from_args(args)
        options: dict[str, Any] = {"request_hooks": [wire]}
        if shape.changes_order and getattr(args, "reconcile", True):
            options["reconcile"] = True
        with settings.create_client(**options) as client:
            response = call.send(client)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - every failure ends in the one report
        _failed(report, command, exc, settings, sent=wire.left)
    else:
        _succeeded(report, command, call, response)
    return emit(report, as_json=bool(getattr(args, "json", False)), out=out, err=err)


class _Blank(dict[str, Any]):
    """`format_map` values: a field the answer does not have reads as `?`."""

    def __missing__(self, key: str) -> str:
        return "?"


def _succeeded(report: Report, command: Command, call: Call, response: Any) -> None:
    status = int(response.status_code)
    answer = plain(response.parsed) if response.parsed is not None else None
    report.status_code = status
    report.request_id = response.headers.get("Request-ID")
    report.signed_by = response.headers.get("Wechatpay-Serial")
    report.verified = True
    report.answer = answer
    if not command.shape.changes_order and command.shape.answer_model == "ServiceOrder":
        report.order = answer  # the order query's answer is the order itself
    values = _Blank({**call.request, **(answer or {}), "status": status, "which": call.which})
    values["out_order_no"] = call.out_order_no or values.get("out_order_no", "?")
    report.summary = command.headline.format_map(values) + ", WeChat Pay's signature verified"


def _failed(
    report: Report, command: Command, error: BaseException, settings: ClientSettings | None, *, sent: bool
) -> None:
    code = exit_code_for(error, sent=sent)
    summary = _describe(error, sent=sent)
    if sent and isinstance(error, RequestValidationError):
        # Whatever refused the call then (its evidence query), the request had left: never "nothing was sent".
        summary = f"the {command.name} request was sent; the query meant to settle its outcome was refused: {summary}"
    report.exit, report.summary = code, summary
    for name in ("status_code", "request_id", "verified"):
        value = getattr(error, name, None)
        if value is not None:
            setattr(report, name, value)
    if isinstance(error, WechatPayAPIError) and error.response is not None:
        verification = verification_of(error.response)
        report.signed_by = verification.serial if verification is not None and verification.verified else None
    report.evidence = getattr(error, "evidence", None)
    if getattr(error, "order", None) is not None:
        report.order = plain(error.order)  # type: ignore[attr-defined]
    report.hint = _hint(error, settings, command)
    report.advice = _advice(code, command, sent=sent)
    report.error = error_fields(error, summary)
    # Refused configuration: the command never started (its report goes where a refused command line's goes).
    report.started = not (isinstance(error, ConfigurationError) and not sent)


def _describe(error: BaseException, *, sent: bool) -> str:
    """What happened, in one text that never quotes a value that could be a secret."""
    if isinstance(error, RequestValidationError):
        parts = []
        for problem in error.problems:
            fields = problem_fields(problem)
            value = f" = {fields['value']!r}" if "value" in fields else ""
            parts.append(f"{problem.location} {problem.field}{value}: {fields['message']} (rule: {problem.rule})")
        return f"invalid request to {error.method} {error.path}, refused before sending: " + "; ".join(parts)
    if isinstance(error, WechatPayError):
        return str(error)
    if isinstance(error, KeyboardInterrupt):
        return "interrupted: a request under way may have been applied" if sent else "interrupted: nothing was sent"
    return f"unexpected {type(error).__name__}: {safe_text(error)}"


def _hint(error: BaseException, settings: ClientSettings | None, command: Command) -> str | None:
    """What to check, in the operator's terms: the setting or the flag behind the failure."""
    label = settings.name_for if settings is not None else (lambda name: name)
    cause = getattr(error, "verification_error", None) or error.__cause__ or error
    if isinstance(cause, UnknownSerialError):
        return (
            f"WeChat Pay signed its answer with {cause.serial!r}, which no configured key is listed under "
            f"(configured: {', '.join(cause.known_serials)}): check {label('public_key_id')} (PUB_KEY_ID_…, from "
            f"the merchant platform) or add the platform certificate to {label('platform_certificates')}"
        )
    if isinstance(error, SignatureRejectedError):
        return (
            f"check {label('serial_no')} (the merchant API certificate's serial) and {label('private_key')} "
            "(its private key), and the local clock"
        )
    if isinstance(error, RequestValidationError):
        return _field_hint(error, command)
    return None


def _field_hint(error: RequestValidationError, command: Command) -> str | None:
    """The flag of each field a refused request names: `/channel_id` is `--channel-id`."""
    fields = {field.name: field for field in command.flag_fields()}
    flags = {name: field.flag for name, field in fields.items()}
    flags |= {"/".join(nested.pointer): nested.flag for nested in command.nested_flags}
    hints: list[str] = []
    for problem in error.problems:
        name = problem.field.strip("/")
        if problem.rule.startswith("additionalProperties"):
            # A path or query field is no field of the body: it has a flag of its own.
            own = [fields[key].flag for key in name.split(",") if key in fields and fields[key].location != "body"]
            hints.append(f"remove {name} from the --body file" + (f" (give {', '.join(own)})" if own else ""))
            continue
        flag = flags.get(name)
        if flag is None:
            continue
        if problem.rule.startswith("x-outcome evidence"):
            hints.append(
                f"give {flag}: a lost answer is settled by querying the order, which needs it (or --no-reconcile "
                "to send it without that: an unknown outcome then exits 5)"
            )
        elif command.takes_body_file and problem.location == "body":
            hints.append(f"set {flag}, or {name} in the --body file")
        else:
            hints.append(f"check {flag}")
    return "; ".join(dict.fromkeys(hints)) or None


def _advice(code: ExitCode, command: Command, *, sent: bool) -> str | None:
    """What to do next, for the statuses where it is not obvious."""
    rule = command.shape.outcome
    name = command.name
    if code is ExitCode.INTERRUPTED:
        return _rerun_advice(command, sent=sent)
    if code is ExitCode.OUTCOME_UNKNOWN:
        if rule is None:
            return "the answer could not be verified: query again"
        return f"query the order before any retry: the {name} may have been applied"
    return {
        ExitCode.ALREADY_APPLIED: f"nothing to do: an attempt of this {name} whose answer was lost applied it",
        ExitCode.ALREADY_THERE: "the order was already where this command would put it, before it or by other "
        "means: nothing was changed",
        ExitCode.NOT_APPLIED: f"the {name} was not applied: it is safe to run the command again",
        ExitCode.UNREACHABLE: "nothing was sent: it is safe to run the command again",
    }.get(code)


def _rerun_advice(command: Command, *, sent: bool) -> str:
    """After Ctrl-C: whether running the same command again is safe, by the operation's `x-outcome`."""
    rule = command.shape.outcome
    if not sent or rule is None:
        return "nothing was changed by this command: run the same command again"
    if rule.resend_safe:
        return "run the same command again: WeChat Pay accepts the identical request again and answers what it did"
    if rule.already_there:
        # A re-sent call meets the "already there" code, which the client settles by querying the order.
        return "run the same command again: it settles an unknown outcome by querying the order first"
    return f"query the order (wechatpay-payscore query) before running {command.name} again: it may have been applied"
