"""An independent Python SDK, wechatpayv3 2.0.4, drives the whole family against the emulator.

The SDK has no Pay Score methods for acquiring institutions (its `payscore_*` helpers are the direct-merchant
paths), so every call goes through its generic primitive `Core.request(path, method, data)`, in WeChat Pay
public-key mode, with its own response verification on: it raises on a 2xx answer whose signature does not verify.
It signs the path as given and sends it as given, so the caller builds the URL in the contract's encoding: the order
number percent-encoded in the path (`|` as `%7C`), and the query string `application/x-www-form-urlencoded` in the
declared parameter order. The order numbers below carry `|` and `*` so that the encoding is exercised.

wechatpayv3's base URL is hard-coded (`Core._gate_way`); pointing it at the loopback emulator needs that one
attribute overwritten (as in tests/emulator/test_clients.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from wechatpay_emulator import Emulator, EmulatorConfig, Fault, demo
from wechatpayv3.core import Core
from wechatpayv3.type import RequestType

SEED = demo.DEMO_ORDER
assert SEED.channel_id is not None
IDS: dict[str, str] = {"service_id": SEED.service_id, "sub_mchid": SEED.sub_mchid, "channel_id": SEED.channel_id}
APPID = "wxd678efh567hg6787"
ORDERS = "/v3/payscore/acquiringbank/serviceorder"
LIFE = "PEER|LIFE*1"
OTHER = "PEER|OTHER*2"


def order_path(number: str, action: str) -> str:
    """`…/serviceorder/{out_order_no}/{action}`, the number percent-encoded as the contract says (`|` → `%7C`)."""
    return f"{ORDERS}/{quote(number, safe='')}/{action}"


def with_query(path: str, params: list[tuple[str, str]]) -> str:
    """The path with its query string in the contract's encoding: the declared order, form-urlencoded (letters,
    digits and `-._~` kept, a space as `+`, every other byte upper-case percent-encoded)."""
    return f"{path}?{urlencode(params)}"


def create_body(number: str, *, confirm: bool) -> dict[str, Any]:
    return {
        **IDS,
        "appid": APPID,
        "out_order_no": number,
        "service_introduction": "某某酒店",
        "post_payments": [{"name": "就餐费用", "amount": 40000, "count": 4}],
        "risk_fund": {"name": "DEPOSIT", "amount": 80000},
        "time_range": {"start_time": "OnAccept"},
        "need_user_confirm": confirm,
        "notify_url": "https://api.test.com/notify",
    }


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Emulator, str]]:
    # The real clock on both sides: the SDK signs with time.time(), and checks nothing of the answers' timestamps.
    emulator = Emulator(EmulatorConfig.demo())
    with emulator.serve() as base_url:
        yield emulator, base_url


@pytest.fixture
def emulator(served: tuple[Emulator, str]) -> Emulator:
    emulator, _ = served
    assert emulator.wait_idle(30)
    emulator.reset()
    return emulator


@pytest.fixture
def core(served: tuple[Emulator, str], emulator: Emulator) -> Any:
    """The SDK configured only with what the emulator publishes: its ids and the WeChat Pay public key."""
    _, base_url = served
    config = httpx.get(f"{base_url}/_emulator/config").json()
    sdk = Core(
        mchid=config["mchid"],
        cert_serial_no=config["merchant_serial_no"],
        private_key=demo.demo_merchant_private_key_path().read_text(),
        apiv3_key="0" * 32,  # decrypts callbacks only; never used here
        public_key=config["wechatpay_public_key_pem"],
        public_key_id=config["wechatpay_public_key_id"],
        timeout=10,
    )
    sdk._gate_way = base_url
    return sdk


def post(core: Any, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    code, text = core.request(path, method=RequestType.POST, data=body)
    return code, json.loads(text) if text else None


def get(core: Any, path: str) -> tuple[int, Any]:
    code, text = core.request(path, method=RequestType.GET)
    return code, json.loads(text)


def test_the_sdk_runs_an_order_s_whole_life_and_gets_the_documented_answers(core: Any, emulator: Emulator) -> None:
    code, created = post(core, ORDERS, create_body(LIFE, confirm=True))
    assert code == 200
    assert (created["out_order_no"], created["state"]) == (LIFE, "CREATED")
    assert created["package"] and created["order_id"]

    emulator.confirm(LIFE)  # the user confirms in WeChat
    complete = {
        **IDS,
        "post_payments": [{"name": "就餐费用", "amount": 40000, "count": 4}],
        "post_discounts": [{"name": "满20减1元", "description": "不与其他优惠叠加", "amount": 100}],
        "total_amount": 39900,
    }
    assert post(core, order_path(LIFE, "complete"), complete) == (204, None)
    modify = {
        **IDS,
        "post_payments": [{"name": "就餐费用", "amount": 30000}],
        "total_amount": 30000,
        "reason": "用户投诉",
    }
    assert post(core, order_path(LIFE, "modify"), modify) == (204, None)

    code, registered = post(
        core, order_path(LIFE, "registerdeductinfo"), {**IDS, "appid": APPID, "out_trade_no": "PEER|DEDUCT*1"}
    )
    assert (code, registered) == (200, {"description": "某某酒店"})

    deduction_query = with_query(
        f"{ORDERS}/deduction",
        [
            ("service_id", IDS["service_id"]),
            ("appid", APPID),
            ("sub_mchid", IDS["sub_mchid"]),
            ("channel_id", IDS["channel_id"]),
            ("out_order_no", LIFE),
        ],
    )
    assert get(core, deduction_query) == (200, {"description": "某某酒店", "out_trade_no": "PEER|DEDUCT*1"})

    order_query = with_query(ORDERS, [*IDS.items(), ("out_order_no", LIFE)])
    code, order = get(core, order_query)
    assert code == 200
    assert (order["state"], order["state_description"], order["total_amount"]) == ("DOING", "MCH_COMPLETE", 30000)
    assert order["collection"]["state"] == "USER_PAYING"
    assert "package" not in order  # only the create answers it

    # Another order, cancelled before its user confirmed it.
    assert post(core, ORDERS, create_body(OTHER, confirm=True))[0] == 200
    assert post(core, order_path(OTHER, "cancel"), {**IDS, "reason": "用户取消"}) == (204, None)
    assert emulator.order(OTHER).state == "REVOKED"

    # What went on the wire is what was signed: the emulator verified every request as sent, the number encoded.
    sent = emulator.requests
    assert all(entry.signature_verified for entry in sent)
    assert f"{ORDERS}/PEER%7CLIFE%2A1/complete" in [entry.target for entry in sent]
    assert order_query in [entry.target for entry in sent]
    assert "out_order_no=PEER%7CLIFE%2A1" in order_query
    assert emulator.order(LIFE).state == "DOING"


@pytest.mark.parametrize("fault", [Fault.bad_signature(), Fault.probe_signature()], ids=["bad", "probe"])
def test_the_sdk_refuses_a_success_whose_signature_does_not_verify(core: Any, emulator: Emulator, fault: Fault) -> None:
    # The successes above were accepted after the SDK's own verification: the same answers, spoilt, are refused.
    emulator.inject(fault, out_order_no=LIFE)
    with pytest.raises(Exception, match="failed to verify the signature"):
        core.request(ORDERS, method=RequestType.POST, data=create_body(LIFE, confirm=True))
    emulator.inject(fault, out_order_no=LIFE)
    with pytest.raises(Exception, match="failed to verify the signature"):
        core.request(order_path(LIFE, "cancel"), method=RequestType.POST, data={**IDS, "reason": "用户取消"})
    # Both were applied all the same (a spoilt answer says nothing of what the call did): the order is revoked.
    assert emulator.order(LIFE).state == "REVOKED"
