"""`wechatpay-payscore`: sync a Pay Score service order from the command line.

Merchant configuration comes from flags, else environment variables (`WECHATPAY_*`), else a TOML file
(`--config`). Secrets are read from files or the environment and never printed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Sequence
from enum import IntEnum
from typing import Any, TextIO

from wechatpay_auth import ConfigurationError, WechatPayError, verification_of
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest

from ._errors import (
    AlreadySyncedError,
    APIConnectionError,
    OrderAlreadyDoneError,
    OutcomeUnknownError,
    RequestValidationError,
    SignatureRejectedError,
    WechatPayAPIError,
)
from ._settings import ClientSettings

__all__ = ["BEIJING", "ExitCode", "main", "parse_paid_time"]

BEIJING = datetime.timezone(datetime.timedelta(hours=8), "Asia/Shanghai")


class ExitCode(IntEnum):
    """What the process exit status tells a script."""

    SYNCED = 0
    INVALID_INPUT = 2  # bad flags, configuration or order fields; nothing was sent
    API_REJECTED = 3  # WeChat Pay refused the sync (state, parameters, permission, rate limit, server error)
    SIGNATURE_FAILURE = 4  # WeChat Pay rejected our signature (401 SIGN_ERROR): keys or serial misconfigured
    OUTCOME_UNKNOWN = 5  # sent, answer lost or unverifiable: query the order before any retry
    UNREACHABLE = 6  # WeChat Pay could not be reached; nothing was sent; safe to retry
    ALREADY_SYNCED = 10  # ORDER_DONE after an attempt of this call whose answer was lost: that attempt synced it
    ALREADY_DONE = 11  # ORDER_DONE with no earlier attempt of ours: the order was completed before this call


EPILOG = """\
examples:
  # against the local emulator (python -m wechatpay_emulator prints its URL and demo keys):
  export WECHATPAY_MCHID=1900000100 WECHATPAY_SERIAL_NO=3775B6A45ACD588826D15E583A95F5DD2F6D4F0A
  export WECHATPAY_PRIVATE_KEY=/path/to/apiclient_key.pem
  export WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_0119000001002024112700000000 WECHATPAY_PUBLIC_KEY=/path/to/pub_key.pem
  wechatpay-payscore sync --base-url http://127.0.0.1:8000 --out-order-no 1234323JKHDFE1243252 \\
      --service-id 2002000000000558128851361561536 --sub-mchid 1900000109 --channel-id 1230000109 --paid-time now

  # a config file instead of the environment, JSON output for scripts:
  wechatpay-payscore sync --config wechatpay.toml --json --out-order-no ... --paid-time 2026-11-27T10:30:00+08:00

--paid-time accepts: now; yyyyMMddHHmmss or yyyyMMdd (Beijing time, sent as is); an ISO date (2026-11-27);
an ISO date-time with an offset (converted to Beijing time) or without one (taken as Beijing time).

exit status:
  0 synced     2 invalid input or configuration (nothing sent)     3 rejected by WeChat Pay
  4 signature rejected (401 SIGN_ERROR)     5 outcome unknown (a lost or unverifiable answer, a 5xx): query first
  6 WeChat Pay unreachable (nothing sent)     10 already synced by an earlier attempt of this call whose answer was
  lost     11 the order was already DONE before this call (query it if that is unexpected)
The private key's password is read from WECHATPAY_PRIVATE_KEY_PASSWORD or the config file, never from a flag.
"""


def parse_paid_time(value: str, *, now: datetime.datetime | None = None) -> str:
    """The `paid_time` field (`yyyyMMddHHmmss` or `yyyyMMdd`, Beijing time) from what an operator types."""
    text = value.strip()
    if text.lower() == "now":
        moment = now or datetime.datetime.now(tz=BEIJING)
        return moment.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
    if text.isdigit() and len(text) in (8, 14):
        return text
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text).strftime("%Y%m%d")
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--paid-time {value!r}: expected now, yyyyMMddHHmmss, yyyyMMdd, or an ISO 8601 date or date-time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wechatpay-payscore",
        description="WeChat Pay Score for acquiring institutions (从业机构微信支付分).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sync = commands.add_parser(
        "sync",
        help="tell WeChat Pay Score that a service order was paid elsewhere (DOING + MCH_COMPLETE → DONE)",
        description="Sync a service order paid through another channel (从业机构同步微信支付分订单信息).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    order = sync.add_argument_group("the order")
    order.add_argument("--out-order-no", required=True, help="merchant service order number (≤ 32 of [0-9A-Za-z_-|*])")
    order.add_argument("--service-id", required=True, help="Pay Score service id")
    order.add_argument("--sub-mchid", required=True, help="sub-merchant id")
    order.add_argument("--channel-id", help="channel merchant id (send it whenever the order has one)")
    order.add_argument("--paid-time", required=True, type=parse_paid_time, help="when the user paid (see below)")
    merchant = sync.add_argument_group("merchant configuration (flags override WECHATPAY_* variables and --config)")
    merchant.add_argument("--config", help="TOML file with a [wechatpay] table")
    merchant.add_argument("--mchid", help="merchant id [WECHATPAY_MCHID]")
    merchant.add_argument("--serial-no", help="merchant API certificate serial [WECHATPAY_SERIAL_NO]")
    merchant.add_argument("--private-key", metavar="FILE", help="merchant API private key [WECHATPAY_PRIVATE_KEY]")
    merchant.add_argument("--public-key-id", help="WeChat Pay public key id PUB_KEY_ID_... [WECHATPAY_PUBLIC_KEY_ID]")
    merchant.add_argument("--public-key", metavar="FILE", help="WeChat Pay public key [WECHATPAY_PUBLIC_KEY]")
    merchant.add_argument(
        "--platform-certificate",
        metavar="FILE",
        action="append",
        help="platform certificate, repeatable [WECHATPAY_PLATFORM_CERTIFICATES]",
    )
    merchant.add_argument("--base-url", help="API base URL, e.g. the emulator's [WECHATPAY_BASE_URL]")
    merchant.add_argument(
        "--backup-base-url", help="where retries go when the primary is unreachable [WECHATPAY_BACKUP_BASE_URL]"
    )
    merchant.add_argument("--timeout", type=float, help="seconds per call [WECHATPAY_TIMEOUT, default 10]")
    merchant.add_argument("--max-attempts", type=int, help="attempts with safe retries [WECHATPAY_MAX_ATTEMPTS]")
    sync.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    return parser


def _settings(args: argparse.Namespace) -> ClientSettings:
    return ClientSettings.load(
        config_file=args.config,
        mchid=args.mchid,
        serial_no=args.serial_no,
        private_key=args.private_key,
        public_key_id=args.public_key_id,
        public_key=args.public_key,
        platform_certificates=tuple(args.platform_certificate or ()),
        base_url=args.base_url,
        backup_base_url=args.backup_base_url,
        timeout=args.timeout,
        max_attempts=args.max_attempts,
    )


def _report(result: dict[str, Any], *, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(result, ensure_ascii=False, sort_keys=True) + "\n")
        return
    out.write(result["summary"] + "\n")
    for key in ("request_id", "status_code", "code", "message", "signed_by", "advice"):
        if result.get(key) not in (None, ""):
            out.write(f"  {key.replace('_', ' ')}: {result[key]}\n")


def _failure(exc: WechatPayError, out_order_no: str) -> tuple[ExitCode, dict[str, Any]]:
    result: dict[str, Any] = {"out_order_no": out_order_no, "error": type(exc).__name__, "summary": str(exc)}
    if isinstance(exc, WechatPayAPIError):
        verification = verification_of(exc.response)
        result.update(
            status_code=exc.status_code,
            code=exc.code,
            message=exc.message,
            request_id=exc.request_id,
            verified=exc.verified,
            signed_by=verification.serial if verification and verification.verified else None,
        )
    if isinstance(exc, AlreadySyncedError):
        result.update(result="already_synced", advice="an earlier attempt of this call synced the order")
        return ExitCode.ALREADY_SYNCED, result
    if isinstance(exc, OrderAlreadyDoneError):
        result.update(
            result="already_done",
            advice="the order was DONE before this call; query it if you did not expect that",
        )
        return ExitCode.ALREADY_DONE, result
    if isinstance(exc, WechatPayAPIError) and exc.outcome_unknown:
        # A 5xx, or any answer after an attempt whose answer was lost: the sync may have been applied.
        result.update(
            result="outcome_unknown", advice="query the order before any retry: the sync may have been applied"
        )
        return ExitCode.OUTCOME_UNKNOWN, result
    table: list[tuple[type[WechatPayError], ExitCode, str]] = [
        (RequestValidationError, ExitCode.INVALID_INPUT, "invalid_input"),
        (ConfigurationError, ExitCode.INVALID_INPUT, "invalid_configuration"),
        (SignatureRejectedError, ExitCode.SIGNATURE_FAILURE, "signature_rejected"),
        (OutcomeUnknownError, ExitCode.OUTCOME_UNKNOWN, "outcome_unknown"),
        (APIConnectionError, ExitCode.UNREACHABLE, "unreachable"),
        (WechatPayAPIError, ExitCode.API_REJECTED, "rejected"),
    ]
    for cls, code, name in table:
        if isinstance(exc, cls):
            result["result"] = name
            if code is ExitCode.OUTCOME_UNKNOWN:
                result["advice"] = "query the order before any retry: the sync may have been applied"
            return code, result
    result["result"] = "outcome_unknown"
    return ExitCode.OUTCOME_UNKNOWN, result


def _sync(args: argparse.Namespace, out: TextIO) -> ExitCode:
    body = SyncServiceOrderRequest.from_dict(
        {
            "service_id": args.service_id,
            "sub_mchid": args.sub_mchid,
            "type": "Order_Paid",
            "detail": SyncDetail(paid_time=args.paid_time).to_dict(),
            **({"channel_id": args.channel_id} if args.channel_id else {}),
        }
    )
    try:
        client = _settings(args).create_client()
        with client:
            response = sync_service_order.sync_detailed(args.out_order_no, client=client, body=body)
    except WechatPayError as exc:
        code, result = _failure(exc, args.out_order_no)
        _report(result, as_json=args.json, out=out)
        return code
    result = {
        "result": "synced",
        "out_order_no": args.out_order_no,
        "status_code": int(response.status_code),
        "request_id": response.headers.get("Request-ID"),
        "signed_by": response.headers.get("Wechatpay-Serial"),
        "verified": True,
        "summary": f"synced {args.out_order_no}: {int(response.status_code)}, WeChat Pay's signature verified",
    }
    _report(result, as_json=args.json, out=out)
    return ExitCode.SYNCED


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Entry point of the `wechatpay-payscore` console script; returns the exit status."""
    stream = out or sys.stdout
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    return int(_sync(args, stream))
