"""The notifications' control routes, `/_emulator/notifications...`: the delivery log, the delivery settings
(where to, how fast the retries come, the deadline, the signing key) and the notification faults.
`emulator/README.md` documents each route's JSON."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ._control import json_body
from ._errors import ControlError
from ._notification_faults import NotificationFault
from ._state import EmulatorState

__all__ = ["notification_routes", "settings_json"]


def settings_json(state: EmulatorState) -> dict[str, object]:
    """The settings as served: `notify_url`, `time_scale`, `timeout`, `signer`, and the signer's `serial`."""
    settings = state.outbox.settings
    serial, _ = state.notifier.signing_key(settings.signer)
    return {**settings.to_json(), "serial": serial}


def notification_routes(state: EmulatorState) -> list[Route]:
    """The `/_emulator/notifications...` routes."""

    async def list_notifications(_: Request) -> Response:
        return JSONResponse({"notifications": [entry.to_json() for entry in state.outbox.entries()]})

    async def get_settings(_: Request) -> Response:
        return JSONResponse(settings_json(state))

    async def change_settings(request: Request) -> Response:
        data = await json_body(request)
        if not isinstance(data, Mapping):
            raise ControlError("the body must be an object of settings to change")
        state.outbox.set_settings(state.outbox.settings.updated(data))
        return JSONResponse(settings_json(state))

    async def list_faults(_: Request) -> Response:
        entries = state.notification_faults.active()
        return JSONResponse({"faults": [entry.to_json(aim="event_type") for entry in entries]})

    async def inject_fault(request: Request) -> Response:
        data = await json_body(request)
        if not isinstance(data, Mapping):
            raise ControlError("a notification fault must be a JSON object")
        unknown = set(data) - {"kind", "times", "out_order_no", "event_type"}
        if unknown:
            raise ControlError(f"unknown key(s) {sorted(unknown)} in a notification fault")
        times = data.get("times", 1)
        if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
            raise ControlError("times must be an integer or null")
        fault_id = state.notification_faults.inject(
            NotificationFault.from_json(data),
            times=times,
            out_order_no=data.get("out_order_no"),
            operation=data.get("event_type"),
        )
        return JSONResponse({"id": fault_id}, status_code=201)

    async def clear_faults(_: Request) -> Response:
        state.notification_faults.clear()
        return Response(status_code=204)

    return [
        Route("/_emulator/notifications", list_notifications, methods=["GET"]),
        Route("/_emulator/notifications/settings", get_settings, methods=["GET"]),
        Route("/_emulator/notifications/settings", change_settings, methods=["PATCH"]),
        Route("/_emulator/notifications/faults", list_faults, methods=["GET"]),
        Route("/_emulator/notifications/faults", inject_fault, methods=["POST"]),
        Route("/_emulator/notifications/faults", clear_faults, methods=["DELETE"]),
    ]
