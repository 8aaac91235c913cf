"""The control surface, `/_emulator/...`: JSON routes with which tests seed orders, play what happens outside the
API (the user confirms, pays or taps "pay now", the clearing house collects, time passes), read the request log and
the events, and inject faults (the notifications' routes are `_notification_control`). `emulator/README.md`
documents each route's JSON.

A malformed request is `400 {"error": ...}` and changes nothing; an unknown order is `404`; an action the order's
state forbids is `409` naming the state.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ._actions import act
from ._clock import beijing_time
from ._errors import ControlError, StateConflictError
from ._faults import Fault
from ._fields import MAX_JSON_DEPTH
from ._ratelimit import check_rate
from ._seeding import orders_from_json
from ._state import EmulatorState

__all__ = ["CONTROL_BODY_LIMIT", "clock_json", "control_error", "control_routes", "json_body", "on_state_conflict"]

# Control request bodies: 5 000 orders are about 2 MB of JSON; anything near this cap is a mistake.
CONTROL_BODY_LIMIT = 64 * 1024 * 1024


def control_error(status: int, message: str) -> JSONResponse:
    """`{"error": message}` with `status`."""
    return JSONResponse({"error": message}, status_code=status)


async def on_state_conflict(_: Request, exc: Exception) -> Response:
    """`409` for an action the order's state forbids, naming the state and what WeChat Pay would answer."""
    assert isinstance(exc, StateConflictError)  # noqa: S101 - registered for this class only
    data = {"error": str(exc), "state": exc.state, "state_description": exc.state_description, "code": exc.code}
    return JSONResponse(data, status_code=409)


def _depth_at_most(document: object, limit: int) -> bool:
    # Iterative, so that the check itself cannot run out of stack.
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
    return True


async def _raw_body(request: Request) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > CONTROL_BODY_LIMIT:
            raise ControlError(f"the body is larger than {CONTROL_BODY_LIMIT} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decoded(raw: bytes) -> Any:
    try:
        document = json.loads(raw)
    except RecursionError:
        raise ControlError("the body nests too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ControlError(f"the body is not JSON: {exc}") from None
    # Orders' own fields nest a few levels; a list of orders adds one.
    if not _depth_at_most(document, MAX_JSON_DEPTH + 2):
        raise ControlError("the body nests too deeply")
    return document


async def json_body(request: Request) -> Any:
    """The control request's JSON body; `ControlError` (400) for anything else, never a 500.

    Bounded in size and depth: a body nested 100 000 deep makes `json` raise `RecursionError`, and a value nested
    just below that would break serving it back.
    """
    return _decoded(await _raw_body(request))


def _mchid_of(request: Request, body: bytes) -> str | None:
    """The optional merchant of an order action: `?mchid=` or a body `{"mchid": "..."}` (the same when both)."""
    from_query = request.query_params.get("mchid")
    from_body = None
    if body.strip():
        data = _decoded(body)
        if not isinstance(data, Mapping) or not set(data) <= {"mchid"}:
            raise ControlError('the body must be empty or {"mchid": "..."}')
        from_body = data.get("mchid")
        if from_body is not None and not isinstance(from_body, str):
            raise ControlError("mchid must be a string")
    if from_query is not None and from_body is not None and from_query != from_body:
        raise ControlError("the mchid of the query and of the body differ")
    return from_body if from_body is not None else from_query


def clock_json(state: EmulatorState) -> dict[str, Any]:
    """What the clock routes answer: the order clock's `now` (Unix seconds), its Beijing time and the offset."""
    now = state.clock.now()
    return {"now": now, "beijing_time": beijing_time(now), "offset_seconds": state.clock.offset}


def control_routes(state: EmulatorState) -> list[Route]:
    """The `/_emulator/...` routes."""

    async def config(request: Request) -> Response:
        data = {**state.config.public_material(), "config_url": str(request.url_for("config"))}
        return JSONResponse(data)

    async def list_orders(_: Request) -> Response:
        return JSONResponse({"orders": [order.to_json() for order in state.orders.all()]})

    async def seed_orders(request: Request) -> Response:
        seeded = state.orders.seed_many(orders_from_json(await json_body(request)))
        return JSONResponse({"count": len(seeded), "orders": [order.to_json() for order in seeded]}, status_code=201)

    async def get_order(request: Request) -> Response:
        order = state.orders.get(request.path_params["out_order_no"], request.query_params.get("mchid"))
        return JSONResponse(order.to_json())

    def order_action(action: str) -> Any:
        async def handle(request: Request) -> Response:
            mchid = _mchid_of(request, await _raw_body(request))
            order = act(state.orders, action, request.path_params["out_order_no"], mchid)
            return JSONResponse(order.to_json())

        return handle

    async def get_clock(_: Request) -> Response:
        return JSONResponse(clock_json(state))

    async def advance_clock(request: Request) -> Response:
        data = await json_body(request)
        if not isinstance(data, Mapping) or set(data) != {"advance_seconds"}:
            raise ControlError('the body must be {"advance_seconds": N}')
        state.clock.advance(data["advance_seconds"])
        state.orders.sweep()
        return JSONResponse(clock_json(state))

    async def list_events(_: Request) -> Response:
        return JSONResponse({"events": [event.to_json() for event in state.events.entries()]})

    async def list_requests(_: Request) -> Response:
        return JSONResponse(
            {"capacity": state.log.capacity, "requests": [entry.to_json() for entry in state.log.entries()]}
        )

    async def list_in_flight(_: Request) -> Response:
        return JSONResponse({"requests": [request.to_json() for request in state.in_flight.requests()]})

    async def clear_requests(_: Request) -> Response:
        state.log.clear()
        return Response(status_code=204)

    async def set_request_capacity(request: Request) -> Response:
        data = await json_body(request)
        if not isinstance(data, Mapping) or set(data) != {"capacity"}:
            raise ControlError('the body must be {"capacity": N}')
        state.log.set_capacity(data["capacity"])
        return JSONResponse({"capacity": state.log.capacity})

    async def list_faults(_: Request) -> Response:
        return JSONResponse({"faults": [entry.to_json() for entry in state.faults.active()]})

    async def inject_fault(request: Request) -> Response:
        data = await json_body(request)
        if not isinstance(data, Mapping):
            raise ControlError("a fault must be a JSON object")
        times = data.get("times", 1)
        if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
            raise ControlError("times must be an integer or null")
        fault = Fault.from_json(data)
        fault_id = state.faults.inject(
            fault, times=times, out_order_no=data.get("out_order_no"), operation=data.get("operation")
        )
        return JSONResponse({"id": fault_id}, status_code=201)

    async def clear_faults(_: Request) -> Response:
        state.faults.clear()
        return Response(status_code=204)

    async def get_rate_limit(_: Request) -> Response:
        return JSONResponse({"per_second": state.rate_limiter.per_second})

    async def set_rate_limit(request: Request) -> Response:
        data = await json_body(request)
        if not isinstance(data, Mapping) or set(data) != {"per_second"}:
            raise ControlError('the body must be {"per_second": N} or {"per_second": null}')
        state.rate_limiter.set(check_rate(data["per_second"]))
        return JSONResponse({"per_second": state.rate_limiter.per_second})

    async def reset(_: Request) -> Response:
        state.reset()
        return Response(status_code=204)

    actions = [
        Route(f"/_emulator/orders/{{out_order_no}}/{action}", order_action(action), methods=["POST"])
        for action in ("confirm", "pay", "pay-now", "collect", "lapse-deduction")
    ]
    return [
        Route("/_emulator/config", config, methods=["GET"], name="config"),
        Route("/_emulator/orders", list_orders, methods=["GET"]),
        Route("/_emulator/orders", seed_orders, methods=["POST"]),
        Route("/_emulator/orders/{out_order_no}", get_order, methods=["GET"]),
        *actions,
        Route("/_emulator/clock", get_clock, methods=["GET"]),
        Route("/_emulator/clock", advance_clock, methods=["POST"]),
        Route("/_emulator/events", list_events, methods=["GET"]),
        Route("/_emulator/requests", list_requests, methods=["GET"]),
        Route("/_emulator/requests", clear_requests, methods=["DELETE"]),
        Route("/_emulator/requests/capacity", set_request_capacity, methods=["PUT"]),
        Route("/_emulator/requests/in-flight", list_in_flight, methods=["GET"]),
        Route("/_emulator/faults", list_faults, methods=["GET"]),
        Route("/_emulator/faults", inject_fault, methods=["POST"]),
        Route("/_emulator/faults", clear_faults, methods=["DELETE"]),
        Route("/_emulator/rate-limit", get_rate_limit, methods=["GET"]),
        Route("/_emulator/rate-limit", set_rate_limit, methods=["PUT"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
    ]
