"""The emulator's one exception hierarchy: everything it raises on purpose is an `EmulatorError`."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConnectionDropped",
    "ControlError",
    "EmulatorError",
    "InvalidOrderError",
    "ServerStartError",
    "SignatureError",
    "UnknownOrderError",
]


class EmulatorError(Exception):
    """Base class of every error the emulator raises on purpose."""


class ConfigError(EmulatorError, ValueError):
    """The emulator was configured with inconsistent or unreadable keys, ids or options."""


class InvalidOrderError(EmulatorError, ValueError):
    """An order to seed is malformed (unknown state, missing field, wrong type)."""


class UnknownOrderError(EmulatorError, KeyError):
    """No order with that merchant and `out_order_no` was seeded."""


class ControlError(EmulatorError, ValueError):
    """A `/_emulator/...` control request or a fault specification is malformed."""


class SignatureError(EmulatorError):
    """A WECHATPAY2 `Authorization` header is malformed or names something the emulator cannot check."""


class ServerStartError(EmulatorError, RuntimeError):
    """The background uvicorn server did not start in time."""


class ConnectionDropped(EmulatorError):
    """A `drop_connection` fault fired in-process (e.g. under `httpx.ASGITransport`), where no socket can be cut.

    Behind a real server (`Emulator.serve()`, the command) the connection is aborted instead and this is never seen.
    """
