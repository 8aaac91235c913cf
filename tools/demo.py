"""`make demo` (`python tools/demo.py`): the life of three service orders on the embedded emulator, call by call.

Starts the emulator (TEST-ONLY demo keys) on a free loopback port and drives it with the generated functions, through
one client built by `create_client(..., reconcile=True)`:

1. an order created, confirmed by the emulator's user, completed, its amount lowered, then paid through another
   channel and synced;
2. a second one completed, whose answer is lost on the way back and settled by a verified query, then collected by
   the clearing house after a registered deduction;
3. a third one cancelled.

Each call prints its signed request line, its verified answer (status, Request-ID, the key that signed it) and the
order's state after it, read back by a verified query. What the user and the clearing house do goes through the
emulator's control surface. Every state is checked against the verified answers and the emulator's own record: the
demo ends with `demo passed` and exits 0, or names the first deviation and exits 1.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from wechatpay_auth import WechatPayError
from wechatpay_emulator import EmulatorConfig, EmulatorError, Fault
from wechatpay_emulator.demo import (
    DEMO_MCHID,
    DEMO_MERCHANT_SERIAL,
    DEMO_ORDER_CHANNEL_ID,
    DEMO_ORDER_SERVICE_ID,
    DEMO_ORDER_SUB_MCHID,
    DEMO_WECHATPAY_PUBLIC_KEY_ID,
    demo_merchant_private_key_path,
    demo_wechatpay_public_key_path,
)
from wechatpay_payscore.api.payscore import (
    cancel_service_order,
    complete_service_order,
    create_service_order,
    modify_service_order,
    query_deduct_info,
    register_deduct_info,
    sync_service_order,
)
from wechatpay_payscore.models import (
    CancelServiceOrderRequest,
    CompleteServiceOrderRequest,
    CreateServiceOrderRequest,
    Deduction,
    ModifyServiceOrderRequest,
    RegisterDeductInfoRequest,
    SyncServiceOrderRequest,
)
from wechatpay_payscore_client import WechatPayClient, create_client

if __package__ in (None, ""):  # run as a script (`python tools/demo.py`): its helpers are found from the repository
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.demo_display import Recorder, Screen
from tools.demo_steps import DemoFailure, Life

if TYPE_CHECKING:
    from wechatpay_emulator import Emulator

__all__ = ["DemoFailure", "main"]

IDS = {"service_id": DEMO_ORDER_SERVICE_ID, "sub_mchid": DEMO_ORDER_SUB_MCHID, "channel_id": DEMO_ORDER_CHANNEL_ID}
APPID = "wxd678efh567hg6787"  # the API page's example app id
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
SYNCED, COLLECTED, CANCELLED = "DEMO-LIFE-1", "DEMO-LIFE-2", "DEMO-LIFE-3"
# How each life must end, by the emulator's own record: the final state, and every change of the order in turn.
LIVES: dict[str, tuple[str, list[str]]] = {
    SYNCED: ("DONE by sync", ["create", "USER_CONFIRM", "complete", "modify", "sync"]),
    COLLECTED: ("DONE by collection", ["create", "USER_CONFIRM", "complete", "registerdeductinfo", "collect"]),
    CANCELLED: ("REVOKED by cancel", ["create", "USER_CONFIRM", "cancel"]),
}
AWAITING_39900 = "DOING/MCH_COMPLETE; total 39900; collection USER_PAYING"
ENDINGS = {"sync": "sync", "collect": "collection", "cancel": "cancel"}  # the change that ended a life, as shown


# -- the request bodies (amounts in fen) -------------------------------------------------------------------------


def create_body(out_order_no: str) -> CreateServiceOrderRequest:
    return CreateServiceOrderRequest.from_dict(
        {
            **IDS,
            "appid": APPID,
            "out_order_no": out_order_no,
            "service_introduction": "某某酒店",
            "post_payments": [{"name": "就餐费用", "amount": 40000, "count": 4}],
            "risk_fund": {"name": "DEPOSIT", "amount": 80000},
            "time_range": {"start_time": "OnAccept"},
            "need_user_confirm": True,
            "notify_url": "https://api.test.com/notify",
        }
    )


def complete_body() -> CompleteServiceOrderRequest:
    return CompleteServiceOrderRequest.from_dict(
        {
            **IDS,
            "post_payments": [{"name": "就餐费用", "amount": 40000, "count": 4}],
            "post_discounts": [{"name": "满20减1元", "description": "不与其他优惠叠加", "amount": 100}],
            "total_amount": 39900,
        }
    )


def modify_body(total: int) -> ModifyServiceOrderRequest:
    return ModifyServiceOrderRequest.from_dict(
        {**IDS, "post_payments": [{"name": "就餐费用", "amount": total}], "total_amount": total, "reason": "用户投诉"}
    )


def register_body(out_trade_no: str) -> RegisterDeductInfoRequest:
    return RegisterDeductInfoRequest.from_dict({**IDS, "appid": APPID, "out_trade_no": out_trade_no})


def sync_body(paid_time: str) -> SyncServiceOrderRequest:
    return SyncServiceOrderRequest.from_dict({**IDS, "type": "Order_Paid", "detail": {"paid_time": paid_time}})


def cancel_body() -> CancelServiceOrderRequest:
    return CancelServiceOrderRequest.from_dict({**IDS, "reason": "用户取消"})


# -- the three lives ---------------------------------------------------------------------------------------------


def created_and_confirmed(life: Life, number: int, order_no: str) -> None:
    """Steps .1 and .2 of a life: the merchant creates the order, the user confirms it in WeChat."""
    client = life.client
    life.call(
        order_no,
        f"{number}.1",
        "create it: 就餐费用 40000, deposit 80000, the user to confirm in WeChat",
        lambda: create_service_order.sync_detailed(client=client, body=create_body(order_no)),
        status=200,
        expect="CREATED",
    )
    life.act(
        order_no, f"{number}.2", "the user confirms it in WeChat", life.emulator.confirm, expect="DOING/USER_CONFIRM"
    )


def synced_life(life: Life, paid_time: str) -> None:
    client, order_no = life.client, SYNCED
    life.screen.section(1, order_no, "confirmed, completed, lowered, paid through another channel and synced")
    created_and_confirmed(life, 1, order_no)
    life.call(
        order_no,
        "1.3",
        "complete it: 就餐费用 40000 - 满20减1元 100 = total 39900",
        lambda: complete_service_order.sync_detailed(order_no, client=client, body=complete_body()),
        status=204,
        expect=AWAITING_39900,
    )
    life.call(
        order_no,
        "1.4",
        "lower it to 30000: the guest complained (用户投诉)",
        lambda: modify_service_order.sync_detailed(order_no, client=client, body=modify_body(30000)),
        status=204,
        expect="DOING/MCH_COMPLETE; total 30000; collection USER_PAYING",
    )
    life.call(
        order_no,
        "1.5",
        f"the guest paid 30000 at the front desk (another channel) at {paid_time}: sync it",
        lambda: sync_service_order.sync_detailed(order_no, client=client, body=sync_body(paid_time)),
        status=204,
        expect=f"DONE; total 30000; collection USER_PAID; paid 30000 by MCH at {paid_time}",
    )


def collected_life(life: Life, out_trade_no: str) -> None:
    client, order_no = life.client, COLLECTED
    life.screen.section(2, order_no, "confirmed, completed (its answer lost and settled), collected after a deduction")
    created_and_confirmed(life, 2, order_no)
    life.emulator.inject(Fault.apply_then_drop(), out_order_no=order_no, operation="completeServiceOrder")
    life.lost(
        order_no,
        "2.3",
        "complete it, total 39900 (Fault.apply_then_drop: the emulator applies it, then drops the connection)",
        lambda: complete_service_order.sync_detailed(order_no, client=client, body=complete_body()),
        expect=AWAITING_39900,
    )
    if life.emulator.faults:
        raise DemoFailure(f"{order_no}, step 2.3: the injected fault never fired")
    life.call(
        order_no,
        "2.4",
        f"register the deduction {out_trade_no} the clearing house will collect",
        lambda: register_deduct_info.sync_detailed(order_no, client=client, body=register_body(out_trade_no)),
        status=200,
        expect=AWAITING_39900,
    )
    deduction = life.call(
        order_no,
        "2.5",
        "query the deduction",
        lambda: query_deduct_info.sync_detailed(client=client, appid=APPID, out_order_no=order_no, **IDS),
        status=200,
        expect=AWAITING_39900,
    )
    if not isinstance(deduction, Deduction) or deduction.out_trade_no != out_trade_no:
        raise DemoFailure(f"{order_no}, step 2.5: expected the deduction {out_trade_no}, answered {deduction}")
    life.act(
        order_no,
        "2.6",
        f"the clearing house collects {out_trade_no}",
        life.emulator.collect,
        expect="DONE; total 39900; collection USER_PAID; paid 39900 by MCH",
    )


def cancelled_life(life: Life) -> None:
    client, order_no = life.client, CANCELLED
    life.screen.section(3, order_no, "confirmed, then cancelled")
    created_and_confirmed(life, 3, order_no)
    life.call(
        order_no,
        "3.3",
        "cancel it: the guest cancelled (用户取消)",
        lambda: cancel_service_order.sync_detailed(order_no, client=client, body=cancel_body()),
        status=204,
        expect="REVOKED",
    )


# -- what the emulator recorded, and the whole demo ---------------------------------------------------------------


def verdicts(emulator: Emulator, verified: int) -> list[str]:
    """The end of each life by the emulator's own record of every change, checked; `DemoFailure` on any deviation."""
    lines = []
    for order_no, (end, causes) in LIVES.items():
        seen = [event.cause for event in emulator.events if event.out_order_no == order_no]
        final = f"{emulator.order(order_no).state} by {ENDINGS.get(seen[-1], seen[-1]) if seen else '-'}"
        if (final, seen) != (end, causes):
            raise DemoFailure(f"{order_no}: expected {end} after {' → '.join(causes)}; it is {final} after {seen}")
        lines.append(f"✓ {order_no}  {final:<18}  {' → '.join(seen)}")
    lines.append(f"✓ the lost answer of {COLLECTED}'s complete: applied once, settled by a verified query")
    lines.append(f"✓ {verified} answers shown, every one signed with {DEMO_WECHATPAY_PUBLIC_KEY_ID} and verified")
    return lines


def demo_client(base_url: str, recorder: Recorder) -> WechatPayClient:
    """The ready client of the emulator's TEST-ONLY demo merchant, reconciling lost answers, its hooks recorded."""
    return create_client(
        mchid=DEMO_MCHID,
        serial_no=DEMO_MERCHANT_SERIAL,
        private_key=demo_merchant_private_key_path(),
        wechatpay_public_keys={DEMO_WECHATPAY_PUBLIC_KEY_ID: demo_wechatpay_public_key_path()},
        base_url=base_url,
        timeout=5.0,
        reconcile=True,
        request_hooks=[recorder.on_request],
        response_hooks=[recorder.on_response],
    )


def header(screen: Screen, base_url: str) -> None:
    screen.line("WeChat Pay Score · the life of three service orders, on the embedded emulator (TEST-ONLY demo keys)")
    screen.line()
    screen.line(f"  emulator  {base_url}, WeChat Pay's stand-in")
    screen.line(f"  merchant  {DEMO_MCHID}, API certificate serial {DEMO_MERCHANT_SERIAL}")
    screen.line("  client    create_client(..., reconcile=True): requests checked and signed, answers verified")
    screen.line("  legend    → a signed request   ← its verified answer   = the order after it, by a verified query")
    screen.line("            » what the user or the clearing house does, through the emulator's control surface")


def run(emulator: Emulator, screen: Screen) -> None:
    now = datetime.datetime.now(BEIJING)
    paid_time = (now - datetime.timedelta(minutes=5)).strftime("%Y%m%d%H%M%S")
    recorder = Recorder()
    with emulator.serve() as base_url, demo_client(base_url, recorder) as client:
        header(screen, base_url)
        life = Life(client, emulator, recorder, screen, ids=IDS, key_id=DEMO_WECHATPAY_PUBLIC_KEY_ID)
        synced_life(life, paid_time)
        collected_life(life, f"DEDUCT{now:%Y%m%d}002")
        cancelled_life(life)
        screen.line()
        screen.line("What the emulator recorded")
        for line in verdicts(emulator, life.verified):
            screen.line(f"  {line}")


def failed(screen: Screen, reason: str) -> int:
    screen.line()
    screen.line(f"✗ demo FAILED: {reason}")
    return 1


def main(out: TextIO | None = None) -> int:
    screen = Screen(out or sys.stdout)
    try:
        from wechatpay_emulator import Emulator
    except ImportError:
        screen.line("the demo needs the emulator: pip install 'wechatpay-payscore[emulator]'")
        return 1
    try:
        run(Emulator(EmulatorConfig.demo()), screen)
    except DemoFailure as failure:
        return failed(screen, str(failure))
    except (EmulatorError, WechatPayError) as exc:  # the emulator did not start, or the client could not be built
        return failed(screen, f"{type(exc).__name__}: {exc}")
    screen.line()
    screen.line("demo passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
