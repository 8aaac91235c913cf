"""`wechatpay-payscore`: sync or query a Pay Score service order from the command line.

Merchant configuration comes from flags, else environment variables (`WECHATPAY_*`), else a TOML file
(`--config`); the options are those of `_options.MerchantOptions`. Secrets are read from files or the environment
and never printed. A report goes to standard output when the order ends synced (exit 0 or 10) or was queried, to
standard error otherwise; with `--json` it is exactly one JSON object, whatever happened (bad arguments included).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum
from typing import Any, NoReturn, TextIO

from wechatpay_auth import ConfigurationError, UnknownSerialError, WechatPayError, shown, verification_of

from ._errors import (
    AlreadySyncedError,
    APIConnectionError,
    NotAppliedError,
    OrderAlreadyDoneError,
    OutcomeUnknownError,
    ReconciliationError,
    RequestValidationError,
    SignatureRejectedError,
    WechatPayAPIError,
)
from ._options import add_merchant_arguments
from ._paid_time import BEIJING, paid_time_not_in_future, parse_paid_time
from ._settings import ClientSettings, settings_from_args

__all__ = ["BEIJING", "EPILOG", "ExitCode", "main", "parse_paid_time"]


class ExitCode(IntEnum):
    """What the process exit status tells a script."""

    SYNCED = 0  # synced now (or the query succeeded)
    INVALID_INPUT = 2  # bad arguments, configuration or order fields; nothing was sent
    API_REJECTED = 3  # WeChat Pay refused (state, parameters, permission, rate limit; no such order)
    SIGNATURE_FAILURE = 4  # WeChat Pay rejected our signature (401 SIGN_ERROR): keys or serial misconfigured
    OUTCOME_UNKNOWN = 5  # sent, and what it did could not be established (the reconciling query failed too)
    UNREACHABLE = 6  # WeChat Pay could not be reached; nothing was sent; safe to retry
    NOT_APPLIED = 7  # the query proved the sync was not applied (the order is still open): safe to run again
    ALREADY_SYNCED = 10  # synced by an attempt of this command whose answer was lost, confirmed (query or memory)
    ALREADY_DONE = 11  # the order was DONE before this command, or by other means (what the query showed)
    INTERRUPTED = 130  # Ctrl-C: a request under way may have been applied; run the command again


EXIT_STATUS = """\
exit status:
  0  synced (sync), or the order was found (query)
  2  invalid arguments, configuration or order fields: nothing was sent
  3  rejected by WeChat Pay (order state, parameters, permission, rate limit, no such order)
  4  WeChat Pay rejected the request's signature (401 SIGN_ERROR): check the serial number and private key
  5  outcome unknown: the sync was sent, its answer was lost or could not be verified, and the query that should
     settle it could not be completed either (or --no-reconcile): query the order before any retry;
     for query: no answer that could be verified
  6  WeChat Pay could not be reached: nothing was sent, safe to retry
  7  the query proved the sync was not applied (the order is still open): safe to run the command again
  10 synced by this command: an attempt whose answer was lost did it, and the query (or the client's memory)
     confirms it
  11 the order was already DONE before this command, or by other means: the report shows what the query showed
  130 interrupted (Ctrl-C): a request under way may have been applied; run the same command again
With --json the report is one JSON object: on standard output for 0 and 10 (and a found order), on standard error
otherwise, bad arguments included.
"""

EPILOG = (
    """\
examples:
  # against the local emulator (wechatpay-emulator prints its URL and demo keys):
  export WECHATPAY_MCHID=1900000100 WECHATPAY_SERIAL_NO=3775B6A45ACD588826D15E583A95F5DD2F6D4F0A
  export WECHATPAY_PRIVATE_KEY=/path/to/apiclient_key.pem
  export WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_0119000001002024112700000000 WECHATPAY_PUBLIC_KEY=/path/to/pub_key.pem
  wechatpay-payscore sync --base-url http://127.0.0.1:8000 --out-order-no 1234323JKHDFE1243252 \\
      --service-id 2002000000000558128851361561536 --sub-mchid 1900000109 --channel-id 1230000109 --paid-time now
  wechatpay-payscore query --base-url http://127.0.0.1:8000 --out-order-no 1234323JKHDFE1243252 \\
      --service-id 2002000000000558128851361561536 --sub-mchid 1900000109 --channel-id 1230000109

  # a config file instead of the environment, JSON output for scripts:
  wechatpay-payscore sync --config wechatpay.toml --json --out-order-no ... --paid-time 2026-11-27T10:30:00+08:00

--paid-time accepts: now; yyyyMMddHHmmss or yyyyMMdd (Beijing time, sent as is; yyyyMMdd is 00:00:00 that day);
an ISO date (2026-11-27); an ISO date-time with an offset (converted to Beijing time) or without one (taken as
Beijing time). A time more than a minute in the future is refused: a payment cannot follow its sync.
A sync whose outcome is unknown (a lost or unverifiable answer, a 5xx) is settled by querying the order, unless
--no-reconcile; the command re-sends only when the query proves the sync was not applied.

"""
    + EXIT_STATUS
    + "The private key's password is read from WECHATPAY_PRIVATE_KEY_PASSWORD or the config file, never a flag.\n"
)

_OUTCOME_UNKNOWN_ADVICE = "query the order before any retry: the sync may have been applied"
_MAX_FOREIGN_TEXT = 200


class UsageError(Exception):
    """A command line that argparse refused; reported like every other failure (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors raised (so that `--json` can report them) instead of printed and exited."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


# --- quoting what the operator typed (issue 14 #6: never echo a value that could be a secret) ----------------------

# A command-line word argparse may quote in a message: short, one line, no control character.
_WORD = re.compile(r"[^\x00-\x1f\x7f-\x9f]*")
# A file name the command may quote: any length a real path has, still one line without control characters.
_PATH = _WORD
_MAX_PATH_SHOWN = 255
_PEM_MARKERS = ("-----BEGIN", "PRIVATE KEY")


def _may_show(value: str, alphabet: re.Pattern[str] = _WORD, max_length: int = 60) -> bool:
    """Whether `value` may be quoted in a message: no PEM marker, and of the alphabet and length expected."""
    return (
        len(value) <= max_length
        and alphabet.fullmatch(value) is not None
        and not any(marker in value for marker in _PEM_MARKERS)
    )


def _redact_usage(message: str, arguments: Sequence[str]) -> str:
    """argparse's message with every word of the command line that could be a secret described, never quoted.

    argparse quotes what it refuses (`invalid choice: '...'`, `unrecognized arguments: ...`, `invalid int value`),
    flags' values included: a key pasted in the wrong place would be echoed. Each such word (or the value of a
    `--flag=value`) is replaced by its description (`wechatpay_auth.shown`), longest first so that no part of one
    survives; what still carries a PEM marker or a control character after that is not shown at all.
    """
    candidates = set(arguments) | {word.partition("=")[2] for word in arguments if word.startswith("-")}
    words = {word for word in candidates if word and not _may_show(word)}
    for word in sorted(words, key=len, reverse=True):
        message = message.replace(repr(word), shown(word)).replace(word, shown(word))
    if not _may_show(message, max_length=len(message)):
        prog = message.split(":", 1)[0] if _may_show(message.split(":", 1)[0]) else "wechatpay-payscore"
        return f"{prog}: the command line was refused (message not shown: it quotes a value that could be a secret)"
    return message


def _order_value(alphabet: re.Pattern[str], max_length: int, expected: str) -> Callable[[str], str]:
    """argparse `type=` for an order field: the contract's shape, checked before the value is quoted anywhere.

    The contract (checked again before sending) echoes a value it refuses; a field that is not of its shape may be a
    key pasted in the wrong place, so it is refused here (argparse names the flag) with the shape expected, never
    quoting the value.
    """

    def parse(value: str) -> str:
        if 0 < len(value) <= max_length and alphabet.fullmatch(value):
            return value
        raise argparse.ArgumentTypeError(f"expected {expected}; got {shown(value, alphabet)}")

    return parse


# The contract's shapes (openapi/payscore-acquiringbank.yaml) of the order fields the command line takes.
_OUT_ORDER_NO = re.compile(r"[0-9A-Za-z_|*-]+")
_TEXT_FIELD = re.compile("[\u0020-\u007e\u00a0-\ud7ff\ue000-\uffff]+")
_QUERY_ID = re.compile(r"[\x21-\x7e]+")
_ORDER_TEXT = "1 to 32 printable characters"


def _version() -> str:
    from importlib import metadata  # noqa: PLC0415 - only for --version

    try:
        return metadata.version("wechatpay-payscore")
    except metadata.PackageNotFoundError:  # pragma: no cover - only from a bare source tree
        return "0"


def _future_paid_time(value: str) -> str:
    """argparse `type=` for --paid-time: the contract's form, and not in the future."""
    paid_time = parse_paid_time(value)
    if not paid_time_not_in_future(paid_time):
        raise argparse.ArgumentTypeError(
            f"--paid-time {paid_time} is in the future (Beijing time): a payment cannot be later than its sync"
        )
    return paid_time


def _order_arguments(parser: argparse.ArgumentParser, *, query: bool) -> None:
    order = parser.add_argument_group("the order")
    out_order_no = _order_value(_OUT_ORDER_NO, 32, "1 to 32 of [0-9A-Za-z_|*-]")
    if query:
        which = order.add_mutually_exclusive_group(required=True)
        which.add_argument("--out-order-no", type=out_order_no, help="merchant service order number")
        query_id = _order_value(_QUERY_ID, 512, "1 to 512 visible ASCII characters")
        which.add_argument("--query-id", type=query_id, help="WeChat Pay's query id of the order")
    else:
        order.add_argument(
            "--out-order-no",
            required=True,
            type=out_order_no,
            help="merchant service order number (≤ 32 of [0-9A-Za-z_-|*])",
        )
    service_id = _order_value(_TEXT_FIELD, 32, _ORDER_TEXT)
    order.add_argument("--service-id", required=True, type=service_id, help="Pay Score service id")
    sub_mchid = _order_value(_TEXT_FIELD, 32, _ORDER_TEXT)
    order.add_argument("--sub-mchid", required=True, type=sub_mchid, help="sub-merchant id")
    channel_id = _order_value(_TEXT_FIELD, 32, _ORDER_TEXT)
    if query:
        order.add_argument("--channel-id", required=True, type=channel_id, help="channel merchant id")
    else:
        order.add_argument(
            "--channel-id", type=channel_id, help="channel merchant id (send it whenever the order has one)"
        )
        order.add_argument("--paid-time", required=True, type=_future_paid_time, help="when the user paid (see below)")
        order.add_argument(
            "--no-reconcile",
            dest="reconcile",
            action="store_false",
            help="report an unknown outcome (exit 5) instead of querying the order to settle it",
        )
    merchant = parser.add_argument_group("merchant configuration (flags override WECHATPAY_* variables and --config)")
    add_merchant_arguments(merchant)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wechatpay-payscore",
        description="WeChat Pay Score for acquiring institutions (从业机构微信支付分).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"wechatpay-payscore {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sync = commands.add_parser(
        "sync",
        help="tell WeChat Pay Score that a service order was paid elsewhere (DOING + MCH_COMPLETE → DONE)",
        description="Sync a service order paid through another channel (从业机构同步微信支付分订单信息).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    _order_arguments(sync, query=False)
    sync.set_defaults(handler=_sync)
    query = commands.add_parser(
        "query",
        help="show a service order as WeChat Pay has it (state, amounts, payments), signature verified",
        description="Query a service order (从业机构查询支付分订单).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    _order_arguments(query, query=True)
    query.set_defaults(handler=_query)
    _add_batch(commands)
    return parser


def _add_batch(commands: Any) -> None:
    """`sync-batch`: declared by the batch package, run through the same reporting of usage errors."""
    from .batch import add_sync_batch_parser, run_sync_batch  # noqa: PLC0415 - sqlite and the runner, on demand

    def handler(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        for name, label in (("input", "INPUT"), ("journal", "--journal"), ("report", "--report")):
            path = getattr(args, name, None)
            # A file name is quoted in the batch's messages: one that could be a key pasted here is refused first.
            if isinstance(path, str) and not _may_show(path, _PATH, _MAX_PATH_SHOWN):
                message = f"wechatpay-payscore sync-batch: {label} expects a file name; got {shown(path, _PATH)}"
                return _usage_failure(message, as_json=bool(getattr(args, "json", False)), err=err)
        return run_sync_batch(args, out=out, err=err)

    add_sync_batch_parser(commands)
    commands.choices["sync-batch"].set_defaults(handler=handler)


# --- reports -------------------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A generated model (or anything with `to_dict`) as plain JSON values."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _order_lines(order: Mapping[str, Any]) -> list[str]:
    lines = [f"  state: {order.get('state')}"]
    for key in ("state_description", "out_order_no", "order_id", "total_amount", "need_collection"):
        if order.get(key) not in (None, ""):
            lines.append(f"  {key.replace('_', ' ')}: {order[key]}")
    collection = order.get("collection")
    if isinstance(collection, Mapping):
        amounts = ", ".join(
            f"{key.replace('_amount', '')} {collection[key]}"
            for key in ("total_amount", "paid_amount", "paying_amount")
            if collection.get(key) is not None
        )
        lines.append(f"  collection: {collection.get('state')}" + (f" ({amounts})" if amounts else ""))
        for detail in collection.get("details") or ():
            if isinstance(detail, Mapping):
                parts = [
                    f"{key}={detail[key]}"
                    for key in ("amount", "paid_type", "paid_time", "transaction_id")
                    if key in detail
                ]
                lines.append(f"    payment {detail.get('seq', '?')}: " + " ".join(parts))
    return lines


_REPORT_KEYS = ("request_id", "status_code", "code", "message", "evidence", "signed_by", "hint", "advice")


def _report(result: dict[str, Any], *, as_json: bool, stream: TextIO) -> None:
    if as_json:
        stream.write(json.dumps(result, ensure_ascii=False, sort_keys=True, default=str) + "\n")
        return
    stream.write(str(result["summary"]) + "\n")
    for key in _REPORT_KEYS:
        if result.get(key) not in (None, ""):
            stream.write(f"  {key.replace('_', ' ')}: {result[key]}\n")
    if isinstance(result.get("order"), Mapping):
        stream.write("  the order, as WeChat Pay has it:\n")
        stream.writelines(f"  {line}\n" for line in _order_lines(result["order"]))


def _hint(exc: BaseException, settings: ClientSettings | None) -> str | None:
    """What to check, in the operator's terms, for the failures a setting usually causes."""
    label = settings.name_for if settings is not None else (lambda name: name)
    cause = getattr(exc, "verification_error", None) or exc.__cause__ or exc
    if isinstance(cause, UnknownSerialError):
        return (
            f"WeChat Pay signed its answer with {cause.serial!r}, which no configured key is listed under "
            f"(configured: {', '.join(cause.known_serials)}): check {label('public_key_id')} (PUB_KEY_ID_…, from "
            f"the merchant platform) or add the platform certificate to {label('platform_certificates')}"
        )
    if isinstance(exc, SignatureRejectedError):
        return (
            f"check {label('serial_no')} (the merchant API certificate's serial) and {label('private_key')} "
            "(its private key), and the local clock"
        )
    return None


def _classify(exc: WechatPayError) -> tuple[ExitCode, str]:
    """Exit status and result name of a failure."""
    if isinstance(exc, AlreadySyncedError):
        return ExitCode.ALREADY_SYNCED, "already_synced"
    if isinstance(exc, OrderAlreadyDoneError):
        return ExitCode.ALREADY_DONE, "already_done"
    if isinstance(exc, NotAppliedError):
        return ExitCode.NOT_APPLIED, "not_applied"
    if getattr(exc, "outcome_unknown", False) or isinstance(exc, OutcomeUnknownError | ReconciliationError):
        return ExitCode.OUTCOME_UNKNOWN, "outcome_unknown"
    table: list[tuple[type[WechatPayError], ExitCode, str]] = [
        (RequestValidationError, ExitCode.INVALID_INPUT, "invalid_input"),
        (ConfigurationError, ExitCode.INVALID_INPUT, "invalid_configuration"),
        (SignatureRejectedError, ExitCode.SIGNATURE_FAILURE, "signature_rejected"),
        (APIConnectionError, ExitCode.UNREACHABLE, "unreachable"),
        (WechatPayAPIError, ExitCode.API_REJECTED, "rejected"),
    ]
    for cls, code, name in table:
        if isinstance(exc, cls):
            return code, name
    return ExitCode.OUTCOME_UNKNOWN, "outcome_unknown"


def _failure(
    exc: WechatPayError, order: dict[str, Any], settings: ClientSettings | None
) -> tuple[ExitCode, dict[str, Any]]:
    code, name = _classify(exc)
    result: dict[str, Any] = {**order, "result": name, "error": type(exc).__name__, "summary": str(exc)}
    if isinstance(exc, WechatPayAPIError):
        verification = verification_of(exc.response) if exc.response is not None else None
        result.update(
            status_code=exc.status_code,
            code=exc.code,
            message=exc.message,
            request_id=exc.request_id,
            verified=exc.verified,
            signed_by=verification.serial if verification and verification.verified else None,
        )
    elif getattr(exc, "request_id", None):
        result["request_id"] = exc.request_id  # type: ignore[attr-defined]
    evidence = getattr(exc, "evidence", None)
    if evidence is not None:
        result["evidence"] = evidence
    if getattr(exc, "order", None) is not None:
        result["order"] = _plain(exc.order)  # type: ignore[attr-defined]
    result["hint"] = _hint(exc, settings)
    if code is ExitCode.ALREADY_SYNCED:
        result["advice"] = "the order is synced: an attempt of this command whose answer was lost applied it"
    elif code is ExitCode.ALREADY_DONE:
        result["advice"] = "the order was DONE before this command or by other means: nothing was changed"
    elif code is ExitCode.OUTCOME_UNKNOWN:
        result["advice"] = _OUTCOME_UNKNOWN_ADVICE
    elif code is ExitCode.NOT_APPLIED:
        result["advice"] = "the sync was not applied: it is safe to run the command again"
    return code, result


def _emit(code: ExitCode, result: dict[str, Any], args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    stream = out if code in (ExitCode.SYNCED, ExitCode.ALREADY_SYNCED) else err
    _report(result, as_json=bool(getattr(args, "json", False)), stream=stream)
    return int(code)


# --- commands ------------------------------------------------------------------------------------------------------


def _sync(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wechatpay_payscore.api.payscore import sync_service_order  # noqa: PLC0415 - per command
    from wechatpay_payscore.models import SyncServiceOrderRequest  # noqa: PLC0415

    identity = {"out_order_no": args.out_order_no}
    fields: dict[str, Any] = {
        "service_id": args.service_id,
        "sub_mchid": args.sub_mchid,
        "type": "Order_Paid",
        "detail": {"paid_time": args.paid_time},
        **({"channel_id": args.channel_id} if args.channel_id else {}),
    }
    settings: ClientSettings | None = None
    try:
        try:
            body = SyncServiceOrderRequest.from_dict(fields)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, WechatPayError):
                raise
            raise ConfigurationError(f"the order's fields are not a valid sync request: {exc}") from None
        settings = settings_from_args(args)
        client = settings.create_client(**({"reconcile": True} if args.reconcile else {}))
        with client:
            response = sync_service_order.sync_detailed(args.out_order_no, client=client, body=body)
    except WechatPayError as exc:
        code, result = _failure(exc, identity, settings)
        return _emit(code, result, args, out, err)
    status = int(response.status_code)
    result = {
        "result": "synced",
        **identity,
        "status_code": status,
        "request_id": response.headers.get("Request-ID"),
        "signed_by": response.headers.get("Wechatpay-Serial"),
        "verified": True,
        "summary": f"synced {args.out_order_no}: {status}, WeChat Pay's signature verified",
    }
    return _emit(ExitCode.SYNCED, result, args, out, err)


def _query(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wechatpay_payscore.api.payscore import query_service_order  # noqa: PLC0415 - per command

    which = {"out_order_no": args.out_order_no} if args.out_order_no else {"query_id": args.query_id}
    settings: ClientSettings | None = None
    try:
        settings = settings_from_args(args)
        with settings.create_client() as client:
            response = query_service_order.sync_detailed(
                client=client, service_id=args.service_id, sub_mchid=args.sub_mchid, channel_id=args.channel_id, **which
            )
    except WechatPayError as exc:
        code, result = _failure(exc, which, settings)
        if code is ExitCode.OUTCOME_UNKNOWN:
            result["result"], result["advice"] = "unverified", "the answer could not be trusted: query again"
        return _emit(code, result, args, out, err)
    order = _plain(response.parsed)
    named = next(iter(which.values()))
    result = {
        "result": "found",
        **which,
        "status_code": int(response.status_code),
        "request_id": response.headers.get("Request-ID"),
        "signed_by": response.headers.get("Wechatpay-Serial"),
        "verified": True,
        "order": order,
        "summary": f"order {named}: {order.get('state') if isinstance(order, Mapping) else '?'}, WeChat Pay's "
        "signature verified",
    }
    return _emit(ExitCode.SYNCED, result, args, out, err)


def _usage_failure(message: str, *, as_json: bool, err: TextIO) -> int:
    result = {"result": "invalid_input", "error": "UsageError", "summary": message}
    _report(result, as_json=as_json, stream=err)
    if not as_json:
        err.write("  (see --help)\n")
    return int(ExitCode.INVALID_INPUT)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Entry point of the `wechatpay-payscore` console script; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = out or sys.stdout, err or sys.stderr
    # `--json=yes` is refused by argparse (a switch takes no value), but the operator asked for JSON: report it so.
    as_json = any(word == "--json" or word.startswith("--json=") for word in arguments)
    parser = _parser()
    try:
        args = parser.parse_args(arguments)
    except UsageError as exc:
        return _usage_failure(_redact_usage(str(exc), arguments), as_json=as_json, err=stderr)
    except SystemExit as exc:  # --help and --version print and exit 0
        return int(exc.code or 0)
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.handler
    try:
        return handler(args, stdout, stderr)
    except KeyboardInterrupt:
        result = {
            "result": "interrupted",
            "error": "KeyboardInterrupt",
            "summary": "interrupted: a request under way may have been applied",
            "advice": "run the same command again: it settles an unknown outcome by querying the order first",
        }
        _report(result, as_json=as_json, stream=stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - the last resort: still one report, never a traceback for --json
        first = (str(exc).splitlines() or [""])[0]
        # A foreign exception's text is not ours to vouch for: only a short line without key material is shown.
        shown = first if len(first) <= _MAX_FOREIGN_TEXT and "-----BEGIN" not in first else "(text not shown)"
        result = {
            "result": "outcome_unknown",
            "error": type(exc).__name__,
            "summary": f"unexpected {type(exc).__name__}: {shown}",
            "advice": _OUTCOME_UNKNOWN_ADVICE,
        }
        _report(result, as_json=as_json, stream=stderr)
        return int(ExitCode.OUTCOME_UNKNOWN)
