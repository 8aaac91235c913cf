"""The emulator's one exception hierarchy: everything it raises on purpose is an `EmulatorError`."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConnectionDropped",
    "ContractError",
    "ControlError",
    "EmulatorError",
    "InvalidOrderError",
    "ServerStartError",
    "SignatureError",
    "StateConflictError",
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


class ContractError(EmulatorError, ValueError):
    """The contract declares something the emulator cannot enforce (an `x-rules` kind it does not know, a malformed
    rule): refused when the contract is loaded, so that no declared rule goes unenforced."""


class StateConflictError(EmulatorError):
    """A control action (the user confirms or pays, the clearing house collects, a deduction is closed) that the
    order's state forbids; the control surface answers it `409`.

    `state` and `state_description` are the order's; `code` is what WeChat Pay would answer a call in that state.
    """

    def __init__(self, message: str, *, state: str, state_description: str | None, code: str) -> None:
        super().__init__(message)
        self.state = state
        self.state_description = state_description
        self.code = code

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only fields: rebuilt through a helper, so that the error pickles (across processes) intact.
        return (_state_conflict, (str(self), self.state, self.state_description, self.code))


def _state_conflict(message: str, state: str, state_description: str | None, code: str) -> StateConflictError:
    return StateConflictError(message, state=state, state_description=state_description, code=code)


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
