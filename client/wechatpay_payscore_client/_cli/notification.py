"""`wechatpay-payscore notification verify`: a notification from a dump, verified, decrypted and typed, or why not.

    wechatpay-payscore notification verify --headers FILE --body FILE [--json]

The headers come from a dump (`dump`: a proxy's, or `curl -D`), the body as its raw bytes; the merchant configuration
from the settings every command reads (flags, `WECHATPAY_*`, `--config`), the APIv3 key included. The command builds
the client those settings describe and opens the notification with `open_event`, as the application's endpoint does:
the same checklist (all four headers, ±300 s against this host's clock, the key `Wechatpay-Serial` names, RSA over
the raw body, the envelope, the AEAD, the contract's schema of the event), so the command agrees with the endpoint.

Rule of the report: one of them, whatever the outcome. On success (exit 0) the typed event — its type, id,
create_time, summary, Request-ID, the key that signed it, and its decrypted resource, which is the merchant's own
data shown on the operator's terminal (the report says so). On failure the step that refused it, the error's class
and message, and what to check, all from one row of `refusals.REFUSALS`, whose exit status it ends with. Never the
APIv3 key nor any private key: the messages of `wechatpay_auth` and of the settings describe keys, never show them.
Text goes to standard output on success and to standard error otherwise; `--json` is one object on standard output.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any, TextIO

import attrs
from wechatpay_auth import SIGNATURE_HEADERS, SignatureVerificationError, WechatPayError, header, is_probe

from .._notifications import Event, UnknownEvent, open_event
from .._options import add_merchant_arguments
from .._settings import ClientSettings, settings_from_args
from .dump import NotificationInputError, read_body, read_headers
from .refusals import NOTIFICATION_EXIT_STATUS, Evidence, MissingApiV3KeyError, NotificationExit, refusal_for
from .shown import may_show, safe_text

__all__ = ["COMMAND", "EPILOG", "VerifyReport", "add_notification_parser", "run_verify"]

COMMAND = "notification verify"
# Settings that only calls to WeChat Pay use: verifying a notification sends nothing.
_NOT_USED = ("base_url", "backup_base_url", "timeout", "max_attempts", "allow_insecure_http")
_DECRYPTED = (
    "decrypted: the merchant's own data (user ids, amounts), shown on this terminal because it was asked for; keep "
    "it out of tickets and chats"
)

EPILOG = (
    """\
examples:
  # the headers as a proxy or curl -D dumped them (a status line, CRLF and names in any case are fine):
  wechatpay-payscore notification verify --headers notify.headers --body notify.body
  # the body from standard input, the report as one JSON object:
  wechatpay-payscore notification verify --headers notify.headers --body - --json < notify.body

The body is read as raw bytes: the signature covers them exactly, so save it as received (no line end added, no
re-serialized JSON). The APIv3 key comes from WECHATPAY_APIV3_KEY, apiv3_key in the --config file, or
--apiv3-key-file FILE; WeChat Pay's keys and the merchant's from the same settings as every other command. The
timestamp is checked against this host's clock (±300 s): verify a dump within 5 minutes of its delivery.

"""
    + NOTIFICATION_EXIT_STATUS
    + "With --json the report is one JSON object on standard output, whatever the outcome.\n"
)


def add_notification_parser(commands: Any, *, handler: Any) -> None:
    """Declare `notification verify` on the subcommands of the `wechatpay-payscore` parser."""
    notification: argparse.ArgumentParser = commands.add_parser(
        "notification",
        help="check a notification WeChat Pay sent to the notify_url (verify)",
        description="Check a notification (回调通知) WeChat Pay sent to an order's notify_url.",
    )
    actions = notification.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify: argparse.ArgumentParser = actions.add_parser(
        "verify",
        help="verify, decrypt and type a notification from its headers and raw body",
        description=(
            "Verify a notification's signature over its raw body, decrypt its resource with the APIv3 key and read "
            "it as a typed event, as the notify_url endpoint does; or say which step refused it and what to check."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    given = verify.add_argument_group("the notification (one of them may be - for standard input)")
    given.add_argument(
        "--headers", metavar="FILE", required=True, help="its headers, one 'Name: value' per line (a proxy's dump)"
    )
    given.add_argument("--body", metavar="FILE", required=True, help="its body, the raw bytes as received")
    verify.add_argument("--json", action="store_true", help="one JSON object on standard output instead of text")
    merchant = verify.add_argument_group("merchant configuration (flags override WECHATPAY_* variables and --config)")
    add_merchant_arguments(merchant, exclude=_NOT_USED)
    verify.set_defaults(handler=handler)


@attrs.define
class VerifyReport:
    """What `notification verify` found (see the module's rule of the report; `to_json` for its keys)."""

    exit: NotificationExit = NotificationExit.VERIFIED
    outcome: str = "verified"
    step: str | None = None
    summary: str = ""
    error: dict[str, Any] | None = None
    check: str | None = None
    received: dict[str, Any] = attrs.field(factory=dict)
    event: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The one JSON object: every key always present (`null` when it does not apply)."""
        verified = self.exit is NotificationExit.VERIFIED
        return {
            "command": COMMAND,
            "ok": verified,
            "outcome": self.outcome,
            "exit": int(self.exit),
            "step": self.step,
            "summary": self.summary,
            "error": self.error,
            "check": self.check,
            "received": self.received,
            "event": self.event,
            "notice": f"event.resource is {_DECRYPTED}" if verified else None,
        }

    def text(self) -> str:
        """The report for a person: the verdict, then the event or what refused it and what to check."""
        lines = [self.summary]
        if self.event is not None:
            for key in ("event_type", "id", "create_time", "summary", "request_id", "signed_by"):
                if self.event.get(key) not in (None, ""):
                    lines.append(f"  {key.replace('_', ' ')}: {self.event[key]}")
            lines.append(f"  resource ({_DECRYPTED}):")
            resource = json.dumps(self.event["resource"], ensure_ascii=False, indent=2, default=str)
            lines += [f"    {line}" for line in resource.splitlines()]
        else:
            error = self.error or {}
            lines.append(f"  error: {error.get('class')}: {error.get('message')}")
            lines.append(f"  exit: {int(self.exit)} ({self.outcome})")
            lines += [f"  received {name}: {value}" for name, value in self.received.items()]
            if self.check:
                lines.append(f"  check: {self.check}")
        return "\n".join(lines) + "\n"


def _received(headers: Mapping[str, str]) -> dict[str, Any]:
    """The signature headers as read from the dump, to compare with what was expected; a value is quoted only when
    it may be (short, one line): the signature itself is described by its length."""
    found: dict[str, Any] = {}
    for name in (*SIGNATURE_HEADERS, "Wechatpay-Signature-Type", "Request-ID"):
        value = header(headers, name)
        if value is None:
            continue
        if name == "Wechatpay-Signature":
            found[name] = "a WECHATPAY/SIGNTEST/ probe" if is_probe(value) else f"{len(value)} characters"
        else:
            found[name] = value if may_show(value, max_length=80) else f"{len(value)} characters (not shown)"
    return found


def _event_fields(event: Event, headers: Mapping[str, str]) -> dict[str, Any]:
    resource = event.resource if isinstance(event, UnknownEvent) else event.resource.to_dict()
    return {
        "type": type(event).__name__,
        "event_type": event.event_type,
        "id": event.id,
        "create_time": event.create_time,
        "summary": event.summary,
        "request_id": event.request_id,
        "signed_by": header(headers, "Wechatpay-Serial"),
        "resource": resource,
    }


def _verifier(client: Any, headers: Mapping[str, str]) -> Any:
    """Whether these headers verify over other body bytes, with the client's keys (to explain a mismatch only)."""
    signer = client.pipeline.signer

    def verifies(body: bytes) -> bool:
        try:
            signer.verify_notification(headers, body)
        except SignatureVerificationError:
            return False
        return True

    return verifies


def _message(error: BaseException) -> str:
    # The project's errors never hold key material (wechatpay_auth's rule); anything else is quoted only when safe.
    if isinstance(error, WechatPayError | NotificationInputError):
        return str(error)
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    return f"unexpected {type(error).__name__}: {safe_text(error)}"


def _read(args: argparse.Namespace) -> tuple[dict[str, str], bytes]:
    """The notification's headers and body, from their files (or standard input, for one of them)."""
    if args.headers == "-" and args.body == "-":
        raise NotificationInputError(
            "--headers and --body cannot both be - (standard input holds one of them): give one as a file"
        )
    return read_headers(args.headers), read_body(args.body)


def _settings(args: argparse.Namespace) -> ClientSettings:
    """The command's settings, which must hold an APIv3 key: without it no resource can be decrypted."""
    settings = settings_from_args(args)
    if settings.apiv3_key is None and settings.apiv3_key_file is None:
        raise MissingApiV3KeyError("no APIv3 key is configured: the notification's resource cannot be decrypted")
    return settings


def run_verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The handler of `notification verify`: read, open, report (see the module's rules)."""
    report = VerifyReport()
    evidence = Evidence()
    try:
        headers, body = _read(args)
        report.received = _received(headers)
        evidence = Evidence(headers, body)
        settings = _settings(args)
        evidence = attrs.evolve(evidence, name_for=settings.name_for)
        with settings.create_client() as client:
            evidence = attrs.evolve(evidence, verifies=_verifier(client, headers))
            event = open_event(client, headers, body)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - every failure ends in the one report
        row, check = refusal_for(exc, evidence)
        report.exit, report.outcome, report.step, report.check = row.exit, row.outcome, row.step, check
        message = _message(exc)
        report.summary = f"notification refused at the {row.step} step: {row.meaning}"
        report.error = {"class": type(exc).__name__, "message": message, "field": getattr(exc, "field", None)}
    else:
        report.event = _event_fields(event, headers)
        report.summary = (
            f"verified: {event.event_type} notification {event.id}, signed by {report.event['signed_by']}, "
            f"decrypted and read as {type(event).__name__}"
        )
    if getattr(args, "json", False):
        out.write(json.dumps(report.to_json(), ensure_ascii=False, default=str) + "\n")
    else:
        (out if report.exit is NotificationExit.VERIFIED else err).write(report.text())
    return int(report.exit)
