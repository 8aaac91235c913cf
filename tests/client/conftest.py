"""The ready client against the emulator over a real loopback socket."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from wechatpay_emulator import Emulator, EmulatorConfig, demo
from wechatpay_payscore.models import SyncServiceOrderRequest
from wechatpay_payscore_client import WechatPayClient, create_client

SEED = demo.DEMO_ORDER


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator(EmulatorConfig.demo())
    with emulator.serve() as base_url:
        yield emulator, base_url


@pytest.fixture
def emulator(emulator_server: tuple[Emulator, str]) -> Emulator:
    emulator, _ = emulator_server
    # A request whose client timed out is still finished by the server (its outcome is unknown, as on WeChat Pay):
    # let it end before the next test starts from a clean state.
    assert emulator.wait_idle(60), "a request of an earlier test is still being handled"
    emulator.reset()
    return emulator


@pytest.fixture
def base_url(emulator_server: tuple[Emulator, str], emulator: Emulator) -> str:
    return emulator_server[1]


ClientFactory = Callable[..., WechatPayClient]


@pytest.fixture
def make_client(base_url: str) -> Iterator[ClientFactory]:
    made: list[WechatPayClient] = []

    def factory(**overrides: Any) -> WechatPayClient:
        options: dict[str, Any] = {
            "mchid": demo.DEMO_MCHID,
            "serial_no": demo.DEMO_MERCHANT_SERIAL,
            "private_key": demo.demo_merchant_private_key_path(),
            "wechatpay_public_keys": {demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path()},
            "base_url": base_url,
            "timeout": 5.0,
        }
        options.update(overrides)
        client = create_client(**options)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> WechatPayClient:
    return make_client()


def seed_body(**changes: Any) -> SyncServiceOrderRequest:
    fields: dict[str, Any] = {
        "service_id": SEED.service_id,
        "sub_mchid": SEED.sub_mchid,
        "channel_id": SEED.channel_id,
        "type": "Order_Paid",
        "detail": {"paid_time": "20091225091210"},
    }
    fields.update(changes)
    return SyncServiceOrderRequest.from_dict(fields)


@pytest.fixture
def answer() -> Callable[..., httpx.Response]:
    """Make an answer signed (or not) with the emulator's TEST-ONLY WeChat Pay key."""
    from .scripted import signed_answer

    return signed_answer
