"""Fixtures of the emulator's tests: one loopback server for the session, reset before every test."""

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
def served(clock: Clock) -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator(EmulatorConfig.demo(clock=clock))
    with emulator.serve() as base_url:
        yield emulator, base_url


@pytest.fixture
def emu(served: tuple[Emulator, str], clock: Clock) -> Emulator:
    emulator, _ = served
    assert emulator.wait_idle(60), "a request of an earlier test is still being handled"
    emulator.reset()
    clock.now = FIXED_NOW
    return emulator


@pytest.fixture
def base_url(served: tuple[Emulator, str], emu: Emulator) -> str:
    return served[1]


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        yield http
