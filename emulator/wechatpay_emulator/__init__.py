"""wechatpay_emulator — a local stand-in for WeChat Pay's Pay Score sync API (there is no public sandbox).

An ASGI app (Starlette) that validates requests against the project's OpenAPI contract, checks WECHATPAY2 request
signatures like WeChat Pay, runs the service-order state machine, signs every answer, and injects faults on demand.

    from wechatpay_emulator import Emulator, EmulatorConfig, Order, Fault

    emu = Emulator(EmulatorConfig.demo())    # TEST-ONLY demo keys, seed order 1234323JKHDFE1243252
    with emu.serve() as base_url:            # uvicorn on 127.0.0.1, a free port
        ...
    emu.inject(Fault.rate_limited(retry_after=1), times=2)

Command: `python -m wechatpay_emulator --help`. Control surface: `/_emulator/...` (see `_app`).
"""

from __future__ import annotations

from ._config import DEFAULT_BODY_LIMIT, TIMESTAMP_TOLERANCE, EmulatorConfig
from ._emulator import Emulator
from ._errors import (
    ConfigError,
    ConnectionDropped,
    ControlError,
    EmulatorError,
    InvalidOrderError,
    ServerStartError,
    SignatureError,
    UnknownOrderError,
)
from ._faults import Fault, FaultKind, InjectedFault
from ._log import RequestLogEntry
from ._orders import Order
from ._validation import paid_time_is_valid

__all__ = [
    "DEFAULT_BODY_LIMIT",
    "TIMESTAMP_TOLERANCE",
    "ConfigError",
    "ConnectionDropped",
    "ControlError",
    "Emulator",
    "EmulatorConfig",
    "EmulatorError",
    "Fault",
    "FaultKind",
    "InjectedFault",
    "InvalidOrderError",
    "Order",
    "RequestLogEntry",
    "ServerStartError",
    "SignatureError",
    "UnknownOrderError",
    "paid_time_is_valid",
]
