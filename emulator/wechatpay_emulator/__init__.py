"""wechatpay_emulator — a local stand-in for WeChat Pay's Pay Score service-order API (there is no sandbox).

An ASGI app (Starlette) that validates requests against the project's OpenAPI contract, checks WECHATPAY2 request
signatures like WeChat Pay, plays the whole life of a service order (create, confirm, complete, modify, register a
deduction, collect or pay, sync, cancel, expire) on a clock tests can advance, signs every answer, sends the
notifications of the user's actions (PAYSCORE.USER_CONFIRM, USER_PAID, MCH_PREPAY) signed and encrypted to a
loopback receiver with WeChat Pay's retries, and injects faults on demand.

    from wechatpay_emulator import Emulator, EmulatorConfig, Order, Fault

    emu = Emulator(EmulatorConfig.demo())    # TEST-ONLY demo keys, seed order 1234323JKHDFE1243252
    with emu.serve() as base_url:            # uvicorn on 127.0.0.1, a free port
        emu.seed(Order(out_order_no="A1", service_id="2002000000000558128851361561536", sub_mchid="1900000109"))
        emu.inject(Fault.rate_limited(retry_after=1), times=2)
        emu.inject(Fault.drop_connection(), operation="completeServiceOrder")
        ...
        emu.confirm("A1"); emu.collect("A1"); emu.advance_clock(24 * 3600)
        assert emu.order("A1").state == "DONE"
        emu.set_notify_url("http://127.0.0.1:8000/notify")   # your receiver; only loopback is ever contacted
        emu.inject_notification_fault(NotificationFault.probe_signature())

Command: `python -m wechatpay_emulator --help`. Control surface: `/_emulator/...` (documented in `emulator/README.md`).
Pytest fixtures: the `wechatpay_pytest` plugin, installed with the `emulator` extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._apiv3 import APIV3_KEY_BYTES, ApiV3Key
from ._config import DEFAULT_BODY_LIMIT, TIMESTAMP_TOLERANCE, EmulatorConfig
from ._errors import (
    ConfigError,
    ConnectionDropped,
    ContractError,
    ControlError,
    EmulatorError,
    InvalidOrderError,
    ServerStartError,
    SignatureError,
    StateConflictError,
    UnknownOrderError,
)
from ._events import Event
from ._faults import Fault, FaultKind, InjectedFault
from ._log import (
    DEFAULT_REQUEST_LOG_CAPACITY,
    LOGGED_BODY_LIMIT,
    MAX_REQUEST_LOG_CAPACITY,
    InFlightRequest,
    RequestLogEntry,
)
from ._notification_content import EVENT_TYPES, MCH_PREPAY, USER_CONFIRM, USER_PAID
from ._notification_faults import NotificationFault, NotificationFaultKind
from ._notify_settings import NotificationSettings
from ._orders import Collection, CollectionDetail, Deduction, Order
from ._outbox import RETRY_SCHEDULE, Notification, NotificationAttempt

if TYPE_CHECKING:
    from ._emulator import Emulator
    from ._validation import paid_time_is_valid

# Loaded on first use: they need the `emulator` extra (Starlette, uvicorn, openapi-core), which the rest of the
# package (orders, faults, configuration, demo keys) does not, so `wechatpay-emulator` can say what is missing.
_LAZY = {"Emulator": "._emulator", "paid_time_is_valid": "._validation"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "APIV3_KEY_BYTES",
    "DEFAULT_BODY_LIMIT",
    "DEFAULT_REQUEST_LOG_CAPACITY",
    "EVENT_TYPES",
    "LOGGED_BODY_LIMIT",
    "MAX_REQUEST_LOG_CAPACITY",
    "MCH_PREPAY",
    "RETRY_SCHEDULE",
    "TIMESTAMP_TOLERANCE",
    "USER_CONFIRM",
    "USER_PAID",
    "ApiV3Key",
    "Collection",
    "CollectionDetail",
    "ConfigError",
    "ConnectionDropped",
    "ContractError",
    "ControlError",
    "Deduction",
    "Emulator",
    "EmulatorConfig",
    "EmulatorError",
    "Event",
    "Fault",
    "FaultKind",
    "InFlightRequest",
    "InjectedFault",
    "InvalidOrderError",
    "Notification",
    "NotificationAttempt",
    "NotificationFault",
    "NotificationFaultKind",
    "NotificationSettings",
    "Order",
    "RequestLogEntry",
    "ServerStartError",
    "SignatureError",
    "StateConflictError",
    "UnknownOrderError",
    "paid_time_is_valid",
]
