"""`python -m wechatpay_emulator` / `wechatpay-emulator`: serve the emulator on a loopback port.

The first stdout line is the base URL alone (`http://127.0.0.1:54321`), flushed, so that a script can read it; the
lines after it are `name=value` pairs of what a client needs (and, with the built-in TEST-ONLY demo keys, the path of
the demo merchant private key; the path of the APIv3 key file, never the key). Logs go to stderr. SIGINT/SIGTERM
stop the server cleanly; notifications are delivered while it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import demo
from ._apiv3 import read_apiv3_key_file
from ._config import DEFAULT_BODY_LIMIT, EmulatorConfig
from ._errors import EmulatorError
from ._keys import read_pem_file
from ._log import DEFAULT_REQUEST_LOG_CAPACITY, MAX_REQUEST_LOG_CAPACITY
from ._notify_settings import DEFAULT_NOTIFICATION_TIMEOUT, SIGNERS
from ._orders import Order
from ._seeding import read_orders_file

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wechatpay-emulator",
        description="A local stand-in for WeChat Pay's Pay Score service-order API. Without key options it uses the "
        "built-in TEST-ONLY demo keys (public! never use them for anything real).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 (default) picks a free one")
    parser.add_argument("--mchid", help="the merchant id (mchid) the emulator knows")
    parser.add_argument("--merchant-serial", help="that merchant's API certificate serial (upper-case hex)")
    parser.add_argument("--merchant-public-key", metavar="FILE", help="the merchant's public key or certificate (PEM)")
    parser.add_argument("--wechatpay-private-key", metavar="FILE", help="WeChat Pay public-key-mode private key (PEM)")
    parser.add_argument("--wechatpay-key-id", help="its id, PUB_KEY_ID_...")
    parser.add_argument("--platform-private-key", metavar="FILE", help="platform certificate private key (PEM)")
    parser.add_argument("--platform-serial", help="platform certificate serial (upper-case hex)")
    parser.add_argument("--platform-certificate", metavar="FILE", help="platform certificate (PEM); gives the serial")
    parser.add_argument(
        "--orders",
        metavar="FILE",
        help="orders to seed instead of the demo order: a JSON list, or JSON Lines (one order object per line)",
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        metavar="N",
        help="answer 429 FREQUENCY_LIMITED above N requests per second per merchant (default: no limit)",
    )
    parser.add_argument(
        "--request-log-capacity",
        type=_capacity,
        default=DEFAULT_REQUEST_LOG_CAPACITY,
        metavar="N",
        help=f"keep the newest N requests in the log, 1 to {MAX_REQUEST_LOG_CAPACITY} "
        f"(default {DEFAULT_REQUEST_LOG_CAPACITY})",
    )
    parser.add_argument("--body-limit", type=int, default=DEFAULT_BODY_LIMIT, help="request body cap in bytes")
    parser.add_argument(
        "--apiv3-key-file",
        metavar="FILE",
        help="the merchant's APIv3 key (32 characters; one trailing line end ignored), which notifications are "
        "encrypted with (default: the TEST-ONLY demo key)",
    )
    parser.add_argument(
        "--notify-url",
        metavar="URL",
        help="send every order's notifications here instead of its notify_url (only http on loopback is contacted)",
    )
    parser.add_argument(
        "--notification-time-scale",
        type=float,
        default=1.0,
        metavar="X",
        help="multiply the notification retry delays by X (0.001: 15 s become 15 ms; default 1)",
    )
    parser.add_argument(
        "--notification-timeout",
        type=float,
        default=DEFAULT_NOTIFICATION_TIMEOUT,
        metavar="SECONDS",
        help=f"a receiver's deadline to answer a notification (default {DEFAULT_NOTIFICATION_TIMEOUT:g})",
    )
    parser.add_argument(
        "--notification-signer",
        choices=SIGNERS,
        help="the WeChat Pay key that signs notifications (default: the platform certificate when configured)",
    )
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    return parser


def _capacity(text: str) -> int:
    """argparse `type=` for --request-log-capacity: an integer from 1 to `MAX_REQUEST_LOG_CAPACITY`."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_REQUEST_LOG_CAPACITY:
        raise argparse.ArgumentTypeError(f"expected an integer from 1 to {MAX_REQUEST_LOG_CAPACITY}")
    return value


def _version() -> str:
    from importlib import metadata  # noqa: PLC0415 - only to answer --version

    try:
        return metadata.version("wechatpay-payscore")
    except metadata.PackageNotFoundError:  # pragma: no cover - a bare source tree
        return "0"


INSTALL_HINT = (
    "wechatpay-emulator needs the emulator extra (Starlette, uvicorn, openapi-core): "
    "pip install 'wechatpay-payscore[emulator]'"
)


def _read_orders(path: str) -> tuple[Order, ...]:
    return tuple(read_orders_file(path))


def _config(args: argparse.Namespace) -> EmulatorConfig:
    merchant_given = args.merchant_public_key is not None
    wechatpay_given = any(
        value is not None
        for value in (args.wechatpay_private_key, args.platform_private_key, args.platform_certificate)
    )
    values: dict[str, object] = {
        "mchid": args.mchid or demo.DEMO_MCHID,
        "merchant_serial": args.merchant_serial or demo.DEMO_MERCHANT_SERIAL,
        "merchant_public_key": read_pem_file(args.merchant_public_key or demo.demo_merchant_public_key_path()),
        "body_limit": args.body_limit,
        "rate_limit": args.rate_limit,
        "request_log_capacity": args.request_log_capacity,
        "orders": _read_orders(args.orders) if args.orders else (demo.DEMO_ORDER,),
        "demo_keys": not merchant_given,
        "notify_url": args.notify_url,
        "notification_time_scale": args.notification_time_scale,
        "notification_timeout": args.notification_timeout,
        "notification_signer": args.notification_signer,
    }
    if args.apiv3_key_file is not None:
        values.update(apiv3_key=read_apiv3_key_file(args.apiv3_key_file), apiv3_key_path=args.apiv3_key_file)
    if wechatpay_given:
        # The WeChat Pay side is all the user's or all the demo's: never a user key beside a demo key.
        values.update(
            wechatpay_private_key=None
            if args.wechatpay_private_key is None
            else read_pem_file(args.wechatpay_private_key),
            wechatpay_key_id=args.wechatpay_key_id,
            platform_private_key=None
            if args.platform_private_key is None
            else read_pem_file(args.platform_private_key),
            platform_serial=args.platform_serial,
            platform_certificate=None
            if args.platform_certificate is None
            else read_pem_file(args.platform_certificate),
        )
    else:
        values.update(
            wechatpay_private_key=demo.demo_wechatpay_private_key_path().read_bytes(),
            wechatpay_key_id=demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
            platform_private_key=demo.demo_platform_private_key_path().read_bytes(),
            platform_certificate=demo.demo_platform_certificate_path().read_bytes(),
        )
    return EmulatorConfig(**values)  # type: ignore[arg-type]


def _banner(config: EmulatorConfig, url: str) -> list[str]:
    # The same names and values as `GET /_emulator/config` (`EmulatorConfig.client_settings`).
    lines = [url, *(f"{name}={value}" for name, value in config.client_settings().items())]
    lines.append(f"config_url={url}/_emulator/config")
    if config.uses_demo_material():
        lines.append(f"# {demo.TEST_ONLY_WARNING}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until interrupted; 0 on a clean stop, 2 on bad options."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        # The server's own libraries come with the `emulator` extra: without it, say how to get them.
        from ._emulator import Emulator  # noqa: PLC0415
        from ._server import base_url, bind, run  # noqa: PLC0415
    except ImportError as exc:
        print(f"{INSTALL_HINT} ({exc.name or exc} is missing)", file=sys.stderr)
        return 2
    try:
        config = _config(args)
        emulator = Emulator(config)
        sock = bind(args.host, args.port)
    except (EmulatorError, OSError, OverflowError) as exc:  # OverflowError: a port outside 0-65535
        print(f"wechatpay-emulator: {exc}", file=sys.stderr)
        return 2
    url = base_url(sock)

    def announce() -> None:
        for line in _banner(config, url):
            print(line, flush=True)

    try:
        with emulator.deliver_notifications():
            run(emulator.app, sock, announce=announce, log_level=args.log_level)
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
