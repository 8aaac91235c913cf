"""`make demo` (`python tools/demo.py`): sync the documented example order on the embedded emulator, show what happened.

Starts the emulator (TEST-ONLY demo keys) on a free loopback port, syncs `1234323JKHDFE1243252` through the generated
client built by `create_client()`, prints the request, the verified 204 and the order's state before and after, then
syncs again to show the signed `ORDER_DONE` refusal. Exits 0 only if every one of those things happened.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

import httpx
from wechatpay_auth import WechatPayError, verification_of
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest
from wechatpay_payscore_client import AlreadySyncedError, OrderAlreadyDoneError, create_client

__all__ = ["main", "shorten_authorization"]


def shorten_authorization(value: str) -> str:
    """The Authorization header with its signature cut to a few characters (it is 344 of Base64)."""
    head, found, rest = value.partition('signature="')
    if not found:
        return value
    signature, _, tail = rest.partition('"')
    return f'{head}signature="{signature[:12]}…{signature[-6:]}"{tail}'


class _Recorder:
    """httpx event hooks that keep the last signed request and its response, for display."""

    def __init__(self) -> None:
        self.request: httpx.Request | None = None
        self.response: httpx.Response | None = None

    def on_request(self, request: httpx.Request) -> None:
        self.request = request

    def on_response(self, response: httpx.Response) -> None:
        self.response = response


def _show_request(out: TextIO, request: httpx.Request | None) -> None:
    if request is None:
        out.write("  → (no request was sent)\n")
        return
    out.write(f"  → {request.method} {request.url.raw_path.decode()}\n")
    out.write(f"    Authorization: {shorten_authorization(request.headers.get('Authorization', ''))}\n")
    out.write(f"    Wechatpay-Serial: {request.headers.get('Wechatpay-Serial', '-')}\n")
    out.write(f"    body: {request.content.decode()}\n")


def _signed_by(response: httpx.Response | None) -> str | None:
    verification = verification_of(response) if response is not None else None
    return verification.serial if verification is not None and verification.verified else None


def _client(demo: Any, base_url: str, **options: Any) -> Any:
    """A ready client on the emulator's TEST-ONLY demo merchant."""
    return create_client(
        mchid=demo.DEMO_MCHID,
        serial_no=demo.DEMO_MERCHANT_SERIAL,
        private_key=demo.demo_merchant_private_key_path(),
        wechatpay_public_keys={demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path()},
        base_url=base_url,
        **options,
    )


def _body(demo: Any) -> SyncServiceOrderRequest:
    """The sync of the demo order, paid at the documented example time."""
    return SyncServiceOrderRequest(
        service_id=demo.DEMO_ORDER.service_id,
        sub_mchid=demo.DEMO_ORDER.sub_mchid,
        channel_id=demo.DEMO_ORDER.channel_id or "",
        detail=SyncDetail(paid_time="20091225091210"),
    )


def _lost_answer(
    stream: TextIO, emulator: Any, base_url: str, *, fault: Any, order_type: Any, demo: Any
) -> tuple[str, bool]:
    """3. A second order whose sync is applied and its answer lost: the client queries, and knows."""
    order_no = "DEMO_LOST_ANSWER_01"
    emulator.seed(
        order_type(
            out_order_no=order_no,
            service_id=demo.DEMO_ORDER.service_id,
            sub_mchid=demo.DEMO_ORDER.sub_mchid,
            channel_id=demo.DEMO_ORDER.channel_id,
        )
    )
    emulator.inject(fault.apply_then_drop(), times=1)
    stream.write(f"3. sync {order_no}; the emulator applies it, then drops the connection\n")
    client = _client(demo, base_url, reconcile=True)
    body = _body(demo)
    with client:
        try:
            sync_service_order.sync_detailed(order_no, client=client, body=body)
        except AlreadySyncedError as exc:
            stream.write(f"  ← the answer was lost; the client queried the order (Request-ID {exc.request_id})\n")
            stream.write(f"    raised {type(exc).__name__}, evidence: {exc.evidence}\n\n")
            return ("the lost answer was settled by a verified query", exc.evidence == "query")
        except WechatPayError as exc:
            stream.write(f"  ✗ {type(exc).__name__}: {exc}\n\n")
    return ("the lost answer was settled by a verified query", False)


def main(out: TextIO | None = None) -> int:
    stream = out or sys.stdout
    try:
        from wechatpay_emulator import Emulator, EmulatorConfig, Fault, Order, demo
    except ImportError:
        stream.write("the demo needs the emulator: pip install 'wechatpay-payscore[emulator]'\n")
        return 1

    order_no = demo.DEMO_ORDER.out_order_no
    emulator = Emulator(EmulatorConfig.demo())
    recorder = _Recorder()
    checks: list[tuple[str, bool]] = []
    with emulator.serve() as base_url:
        stream.write("WeChat Pay Score · sync demo on the embedded emulator (TEST-ONLY demo keys)\n\n")
        stream.write(f"  emulator  {base_url}\n")
        stream.write(f"  merchant  {demo.DEMO_MCHID}, serial {demo.DEMO_MERCHANT_SERIAL}\n")
        before = emulator.order(order_no)
        stream.write(f"  order     {order_no}: {before.state} / {before.state_description}\n\n")

        client = _client(demo, base_url, request_hooks=[recorder.on_request], response_hooks=[recorder.on_response])
        body = _body(demo)
        with client:
            stream.write("1. sync the order\n")
            try:
                response = sync_service_order.sync_detailed(order_no, client=client, body=body)
            except WechatPayError as exc:
                _show_request(stream, recorder.request)
                stream.write(f"  ✗ {type(exc).__name__}: {exc}\n")
                return 1
            _show_request(stream, recorder.request)
            signed_by = _signed_by(recorder.response)
            stream.write(
                f"  ← {int(response.status_code)} No Content, Request-ID {response.headers.get('Request-ID')}\n"
            )
            stream.write(f"    WeChat Pay's signature verified with key {signed_by}\n")
            after = emulator.order(order_no)
            stream.write(
                f"  order     {before.state} / {before.state_description} → {after.state}"
                f" (paid_time {after.paid_time})\n\n"
            )
            checks += [
                ("the sync was answered 204", response.status_code == 204),
                ("its signature was verified with the public key", signed_by == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID),
                ("the order went DOING/MCH_COMPLETE → DONE", (before.state, after.state) == ("DOING", "DONE")),
            ]

            stream.write("2. sync it again\n")
            recorder.response = None
            try:
                sync_service_order.sync_detailed(order_no, client=client, body=body)
            except OrderAlreadyDoneError as exc:
                stream.write(f"  ← {exc.status_code} {exc.code}: {exc.message}, Request-ID {exc.request_id}\n")
                stream.write(f"    WeChat Pay's signature verified with key {_signed_by(exc.response)}\n")
                stream.write(f"    raised {type(exc).__name__}\n\n")
                checks.append(
                    ("the second sync got a signed ORDER_DONE", bool(exc.verified) and exc.code == "ORDER_DONE")
                )
            except WechatPayError as exc:
                stream.write(f"  ✗ {type(exc).__name__}: {exc}\n")
                checks.append(("the second sync got a signed ORDER_DONE", False))
            else:
                checks.append(("the second sync got a signed ORDER_DONE", False))

        checks.append(_lost_answer(stream, emulator, base_url, fault=Fault, order_type=Order, demo=demo))

    failed = [name for name, passed in checks if not passed]
    for name, passed in checks:
        stream.write(f"  {'✓' if passed else '✗'} {name}\n")
    stream.write("\ndemo passed\n" if not failed else f"\ndemo FAILED: {', '.join(failed)}\n")
    return 0 if not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
