"""The `/_emulator/...` control surface (JSON over HTTP) and the in-process Python API."""

from __future__ import annotations

import httpx
import pytest
from wechatpay_emulator import ConnectionDropped, Emulator, EmulatorConfig, Fault, Order, UnknownOrderError, demo

from tests.emulator.support import SEED, Signer, sync, sync_body


def test_config_serves_public_material_only(client: httpx.Client) -> None:
    data = client.get("/_emulator/config").json()
    assert data["mchid"] == demo.DEMO_MCHID
    assert data["merchant_serial_no"] == demo.DEMO_MERCHANT_SERIAL
    assert data["wechatpay_public_key_id"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    assert data["wechatpay_public_key_pem"] == demo.demo_wechatpay_public_key_path().read_text()
    assert data["platform_serial"] == demo.DEMO_PLATFORM_SERIAL
    assert data["platform_certificate_pem"] == demo.demo_platform_certificate_path().read_text()
    assert data["merchant_private_key_path"] == str(demo.demo_merchant_private_key_path())
    assert data["wechatpay_public_key_path"] == str(demo.demo_wechatpay_public_key_path())
    assert data["platform_certificate_path"] == str(demo.demo_platform_certificate_path())
    assert data["config_url"] == str(client.base_url.join("/_emulator/config"))
    assert "PRIVATE KEY" not in str(data)


def test_seed_read_and_reset_orders(client: httpx.Client) -> None:
    order = {"out_order_no": "NEW1", "service_id": "SV", "sub_mchid": "SUB", "channel_id": None, "state": "DOING"}
    created = client.post("/_emulator/orders", json=[order])
    assert created.status_code == 201
    assert client.get("/_emulator/orders/NEW1").json()["state_description"] == "MCH_COMPLETE"
    assert {o["out_order_no"] for o in client.get("/_emulator/orders").json()["orders"]} == {SEED, "NEW1"}
    assert client.post("/_emulator/reset").status_code == 204
    assert client.get("/_emulator/orders/NEW1").status_code == 404


def test_read_order_state_after_sync(client: httpx.Client) -> None:
    assert sync(client).status_code == 204
    order = client.get(f"/_emulator/orders/{SEED}").json()
    assert (order["state"], order["paid_time"], order["mchid"]) == ("DONE", "20091225091210", demo.DEMO_MCHID)


@pytest.mark.parametrize(
    "payload",
    [b"{", b'{"out_order_no": "X"}', b'{"out_order_no":"X","service_id":"S","sub_mchid":"M","state":"PAID"}'],
)
def test_bad_orders_are_400(client: httpx.Client, payload: bytes) -> None:
    response = client.post("/_emulator/orders", content=payload)
    assert response.status_code == 400
    assert response.json()["error"]


def test_faults_over_http(client: httpx.Client) -> None:
    created = client.post("/_emulator/faults", json={"kind": "rate_limited", "retry_after": 2, "times": 2})
    assert created.status_code == 201
    listed = client.get("/_emulator/faults").json()["faults"]
    assert listed == [
        {
            "kind": "rate_limited",
            "retry_after": 2,
            "id": created.json()["id"],
            "times": 2,
            "out_order_no": None,
            "operation": None,
        }
    ]
    assert sync(client).status_code == 429
    assert client.delete("/_emulator/faults").status_code == 204
    assert sync(client).status_code == 204


@pytest.mark.parametrize(
    "payload",
    [{"kind": "nope"}, {"kind": "latency"}, {"kind": "system_error", "times": 0}, {"kind": "latency", "seconds": "1"}],
)
def test_bad_faults_over_http_are_400(client: httpx.Client, payload: dict[str, object]) -> None:
    assert client.post("/_emulator/faults", json=payload).status_code == 400


def test_request_log_over_http(client: httpx.Client) -> None:
    sync(client)
    entries = client.get("/_emulator/requests").json()["requests"]
    assert len(entries) == 1
    assert entries[0]["status"] == 204
    assert entries[0]["signature_verified"] is True
    assert client.delete("/_emulator/requests").status_code == 204
    assert client.get("/_emulator/requests").json()["requests"] == []


def test_python_api_reset_and_unknown_order(emu: Emulator) -> None:
    emu.seed(Order(out_order_no="P1", service_id="SV", sub_mchid="SUB"))
    assert emu.order("P1").state == "DOING"
    emu.reset()
    with pytest.raises(UnknownOrderError):
        emu.order("P1")
    assert [order.out_order_no for order in emu.orders] == [SEED]


@pytest.mark.anyio
async def test_in_process_through_asgi_transport() -> None:
    from tests.emulator.support import FIXED_NOW, Clock

    clock = Clock(FIXED_NOW)
    emulator = Emulator(EmulatorConfig.demo(clock=clock))
    transport = httpx.ASGITransport(app=emulator.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator.invalid") as http:
        signer = Signer(clock)
        url = f"/v3/payscore/acquiringbank/serviceorder/{SEED}/sync"
        first = await http.post(url, json=sync_body(), auth=signer, headers={"User-Agent": "t"})
        second = await http.post(url, json=sync_body(), auth=signer, headers={"User-Agent": "t"})
        assert (first.status_code, second.json()["code"]) == (204, "ORDER_DONE")
        emulator.inject(Fault.drop_connection())
        with pytest.raises(ConnectionDropped):
            await http.post(url, json=sync_body(), auth=signer)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_state_is_read_as_properties_and_actions_are_methods(emu: Emulator) -> None:
    # The same kind of member for the same kind of thing: comparing state to a list means what it says.
    assert emu.faults == []
    assert emu.requests == []
    assert emu.orders == [emu.order(SEED)]
    assert emu.rate_limit is None
    emu.inject(Fault.system_error(), times=2)
    assert [entry.fault.kind.value for entry in emu.faults] == ["system_error"]
    emu.faults.clear()  # a snapshot: changing it changes nothing
    assert len(emu.faults) == 1
    readable = {"config", "app", "base_url", "orders", "faults", "requests", "rate_limit", "request_log_capacity"}
    readable |= {"client_settings", "public_material", "events", "now", "in_flight"}
    readable |= {"notifications", "notification_faults", "notification_settings"}
    for name in readable:
        assert isinstance(getattr(Emulator, name), property), name
    actions = {"serve", "order", "seed", "seed_from_file", "inject", "clear_faults", "clear_requests", "reset"}
    actions |= {"set_rate_limit", "set_request_log_capacity", "wait_idle"}
    actions |= {"confirm", "pay", "pay_now", "collect", "lapse_deduction", "advance_clock"}
    actions |= {"inject_notification_fault", "clear_notification_faults", "set_notify_url", "deliver_notifications"}
    actions |= {"set_notification_time_scale", "set_notification_timeout", "set_notification_signer"}
    for name in actions:
        assert callable(getattr(Emulator, name)) and not isinstance(getattr(Emulator, name), property), name
    public = {name for name in dir(Emulator) if not name.startswith("_")}
    assert public == readable | actions
