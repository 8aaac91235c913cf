"""Fixtures of the emulator's tests, on the project's own pytest plugin (`wechatpay_pytest`): one loopback server
for the session with a settable clock, reset before every test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from wechatpay_emulator import Emulator, EmulatorConfig

from tests.emulator.support import FIXED_NOW, Clock


@pytest.fixture(scope="session")
def clock() -> Clock:
    return Clock(FIXED_NOW)


@pytest.fixture(scope="session")
def wechatpay_emulator_config(clock: Clock) -> EmulatorConfig:
    # The plugin's session emulator, on a fixed clock that the tests' own signer shares.
    return EmulatorConfig.demo(clock=clock)


@pytest.fixture
def emu(wechatpay_emulator: Emulator, clock: Clock) -> Emulator:
    clock.now = FIXED_NOW
    return wechatpay_emulator


@pytest.fixture
def served(emu: Emulator) -> tuple[Emulator, str]:
    assert emu.base_url is not None
    return emu, emu.base_url


@pytest.fixture
def base_url(wechatpay_base_url: str, emu: Emulator) -> str:
    return wechatpay_base_url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        yield http
