"""`wechatpay-payscore`: run the life of a Pay Score service order from the command line.

    create | complete | modify | cancel | register-deduction | deduction | query | sync   (and sync-batch)
    batch-report                                  (a day's batch, from its journal, read-only)
    notification verify                                                   (a notification from its headers and body)

Each command runs one operation of the contract (`_cli.commands`), its flags derived from it (`_cli.fields`), the
nested parts of its body from `--body FILE` (`_cli.body`); the call goes through the ready client — contract,
signature, verification, reconciliation — and ends in one report (`_cli.report`) whose exit status means the same
for every command (`_cli.exits`). Merchant configuration comes from flags, else environment variables
(`WECHATPAY_*`), else a TOML file (`--config`); secrets are read from files or the environment and never printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from wechatpay_auth import shown

from ._cli.commands import COMMANDS, add_command
from ._cli.exits import EXIT_STATUS, ExitCode, UsageError
from ._cli.notification import add_notification_parser, run_verify
from ._cli.report import Report, emit, error_fields, usage_report
from ._cli.run import run_command
from ._cli.shown import MAX_PATH_SHOWN, PATH, may_show, redact_usage, safe_text
from ._paid_time import BEIJING, parse_paid_time

__all__ = ["BEIJING", "EPILOG", "ExitCode", "main", "parse_paid_time"]

_EXAMPLES = """\
examples:
  # against the local emulator (wechatpay-emulator prints its URL and demo keys):
  export WECHATPAY_MCHID=1900000100 WECHATPAY_SERIAL_NO=3775B6A45ACD588826D15E583A95F5DD2F6D4F0A
  export WECHATPAY_PRIVATE_KEY=/path/to/apiclient_key.pem WECHATPAY_BASE_URL=http://127.0.0.1:8000
  export WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_0119000001002024112700000000 WECHATPAY_PUBLIC_KEY=/path/to/pub_key.pem
  ids="--service-id 2002000000000558128851361561536 --sub-mchid 1900000109 --channel-id 1230000109"
  wechatpay-payscore create $ids --out-order-no 1234323JKHDFE1243252 --appid wxd678efh567hg6787 \\
      --service-introduction 某某酒店 --notify-url https://api.test.com --need-user-confirm --body order.json
  wechatpay-payscore complete $ids --out-order-no 1234323JKHDFE1243252 --total-amount 39900 --body charges.json
  echo '{"post_payments": [{"name": "就餐费用", "amount": 30000}]}' |
      wechatpay-payscore modify $ids --out-order-no 1234323JKHDFE1243252 --total-amount 30000 --reason 用户投诉 --body -
  wechatpay-payscore register-deduction $ids --out-order-no 1234323JKHDFE1243252 --appid wxd678efh567hg6787 \\
      --out-trade-no DEDUCT20301225001
  wechatpay-payscore deduction $ids --out-order-no 1234323JKHDFE1243252 --appid wxd678efh567hg6787
  wechatpay-payscore sync $ids --out-order-no 1234323JKHDFE1243252 --paid-time now
  wechatpay-payscore query $ids --out-order-no 1234323JKHDFE1243252 --json
  wechatpay-payscore cancel $ids --out-order-no 1234323JKHDFE1243252 --reason 用户投诉

--body FILE holds the request body as one JSON object (- reads standard input), for the nested parts (payments,
discounts, risk fund, time range, location); flags given beside it fill or override its top-level fields. The
request is checked against the contract before anything is sent.
--paid-time (sync) accepts: now; yyyyMMddHHmmss or yyyyMMdd (Beijing time, sent as is; yyyyMMdd is 00:00:00 that
day); an ISO date (2026-11-27); an ISO date-time with an offset (converted to Beijing time) or without one (taken
as Beijing time). A time more than a minute in the future is refused: a payment cannot follow its sync.
A call that changes an order and whose outcome is unknown (a lost or unverifiable answer, a 5xx) is settled as the
contract says — the identical request again where WeChat Pay accepts it (create, cancel, register-deduction), else
a query of the order — unless --no-reconcile. A call that could not be settled that way (a sync without
--channel-id) is refused before it is sent.

"""

EPILOG = (
    _EXAMPLES
    + EXIT_STATUS
    + "The private key's password is read from WECHATPAY_PRIVATE_KEY_PASSWORD or the config file, never a flag.\n"
)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors raised (so that `--json` can report them) instead of printed and exited."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _version() -> str:
    from importlib import metadata  # noqa: PLC0415 - only for --version

    try:
        return metadata.version("wechatpay-payscore")
    except metadata.PackageNotFoundError:  # pragma: no cover - only from a bare source tree
        return "0"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wechatpay-payscore",
        description="WeChat Pay Score for acquiring institutions (从业机构微信支付分): the life of a service order.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"wechatpay-payscore {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        add_command(commands, command, epilog=EPILOG, handler=run_command)
    _add_batch(commands)
    _add_batch_report(commands)
    add_notification_parser(commands, handler=run_verify)
    return parser


def _add_batch(commands: Any) -> None:
    """`sync-batch`: declared by the batch package, run through the same reporting of usage errors."""
    from .batch import add_sync_batch_parser, run_sync_batch  # noqa: PLC0415 - sqlite and the runner, on demand

    def handler(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        for name, label in (("input", "INPUT"), ("journal", "--journal"), ("report", "--report")):
            path = getattr(args, name, None)
            # A file name is quoted in the batch's messages: one that could be a key pasted here is refused first.
            if isinstance(path, str) and not may_show(path, PATH, MAX_PATH_SHOWN):
                message = f"wechatpay-payscore sync-batch: {label} expects a file name; got {shown(path, PATH)}"
                report = usage_report("sync-batch", message)
                return emit(report, as_json=bool(getattr(args, "json", False)), out=out, err=err)
        return run_sync_batch(args, out=out, err=err)

    add_sync_batch_parser(commands)
    commands.choices["sync-batch"].set_defaults(handler=handler)


def _add_batch_report(commands: Any) -> None:
    """`batch-report`: the day's report from a batch journal, read-only (declared by the batch package)."""
    from .batch._day_command import add_batch_report_parser, refused_command_line, run_batch_report  # noqa: PLC0415

    def handler(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        as_json = bool(getattr(args, "json", False))
        for name, label in (("journal", "--journal"), ("report", "--report"), ("journal_dsn_env", "--journal-dsn-env")):
            value = getattr(args, name, None)
            # Quoted in the report's messages: a value that could be a key pasted here is refused first.
            if isinstance(value, str) and not may_show(value, PATH, MAX_PATH_SHOWN):
                message = f"wechatpay-payscore batch-report: {label} expects a file name, a DSN or a variable's name; "
                message += f"got {shown(value, PATH)}"
                return refused_command_line(message, as_json=as_json, out=out, err=err)
        return run_batch_report(args, out=out, err=err)

    add_batch_report_parser(commands).set_defaults(handler=handler)


def _command_named(arguments: Sequence[str]) -> str | None:
    """The command a command line was meant for, when its first word names one (anything else is never quoted)."""
    names = {command.name for command in COMMANDS} | {"sync-batch", "batch-report", "notification"}
    first = next((word for word in arguments if not word.startswith("-")), None)
    return first if first in names else None


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Entry point of the `wechatpay-payscore` console script; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = out or sys.stdout, err or sys.stderr
    # `--json=yes` is refused by argparse (a switch takes no value), but the operator asked for JSON: report it so.
    as_json = any(word == "--json" or word.startswith("--json=") for word in arguments)
    command = _command_named(arguments)
    try:
        args = _parser().parse_args(arguments)
    except UsageError as exc:
        message = redact_usage(str(exc), arguments)
        if command == "batch-report":  # its own shape: {"error": ..., "exit_status": 2}, passwords masked
            from .batch._day_command import refused_command_line  # noqa: PLC0415

            return refused_command_line(message, as_json=as_json, out=stdout, err=stderr, arguments=arguments)
        return emit(usage_report(command, message), as_json=as_json, out=stdout, err=stderr)
    except SystemExit as exc:  # --help and --version print and exit 0
        return int(exc.code or 0)
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.handler
    try:
        return handler(args, stdout, stderr)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the last resort: still one report
        # Each command reports its own failures; this is what escaped it (a second Ctrl-C while it reported).
        code = ExitCode.INTERRUPTED if isinstance(exc, KeyboardInterrupt) else ExitCode.OUTCOME_UNKNOWN
        text = "interrupted" if code is ExitCode.INTERRUPTED else f"unexpected {type(exc).__name__}: {safe_text(exc)}"
        report = Report(command=command, exit=code, summary=text)
        report.advice = "query the order before running the command again: a request under way may have been applied"
        report.error = error_fields(exc, text)
        return emit(report, as_json=as_json, out=stdout, err=stderr)
