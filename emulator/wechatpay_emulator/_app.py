"""The ASGI app: WeChat Pay's sync and query endpoints, and the `/_emulator/...` control surface beside it.

Order of checks for an API request (first failure answers; WeChat Pay's gateway checks headers and the signature
before any business logic):

1. the body is read, capped at `body_limit` (64 KiB by default): beyond it `400 INVALID_REQUEST` and the connection
   is closed (a 400 rather than a 413, because the contract declares no 413 and clients generated from it handle 400);
2. the path and method must be an operation of the contract, else `404 NOT_FOUND`;
3. an injected fault for this request takes effect (latency, 429, 500, HTML 502, drop) — see `Fault`;
4. `Accept` and `User-Agent` present, else `400 INVALID_REQUEST`;
5. the signature: `Authorization` parsed (any field order, no field empty) else `401 SIGN_ERROR`; unknown `mchid` is
   `403 NO_AUTH`; then the merchant's rate limit, when one is set: `429 FREQUENCY_LIMITED` with `Retry-After`;
   unknown `serial_no`, a timestamp more than 300 s off, or a signature that does not verify over the raw target and
   raw body is `401 SIGN_ERROR` with `detail.sign_information`;
6. the contract (openapi-core): `400 PARAM_ERROR` with `detail` {field, value, issue, location}; for the query also
   the rule the contract states in words: exactly one of `out_order_no` / `query_id`, not empty;
7. the order state machine: the sync answers `204`, or `ORDER_NOT_EXIST` / `INVALID_REQUEST` / `ORDER_DONE` /
   `ORDER_CANCELED` / `INVALID_ORDER_STATE`; the query answers `200` with the order, or `ORDER_NOT_EXIST` /
   `INVALID_REQUEST`.

Every answer except the injected HTML 502 and a dropped connection is signed.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import attrs
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route as StarletteRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from ._config import TIMESTAMP_TOLERANCE, EmulatorConfig
from ._errors import ConnectionDropped, ControlError, InvalidOrderError, SignatureError, UnknownOrderError
from ._faults import SIGNATURE, Fault, FaultBoard, FaultKind
from ._log import LOGGED_BODY_LIMIT, InFlight, RequestLog, RequestLogEntry, truncated_headers
from ._orders import MAX_JSON_DEPTH, OrderStore, QueryRequest, Refusal, SyncRequest
from ._ratelimit import RateLimiter, check_rate
from ._responses import Answer, ResponseSigner, error_answer
from ._seeding import orders_from_json
from ._signing import new_request_id, parse_authorization, request_message, sign_information, verify
from ._validation import Contract, ParamProblem, Route

__all__ = ["ABORT_EXTENSION", "EmulatorState", "build_app"]

# The ASGI scope extension through which the emulator's own server lets the app cut a connection (see `_server`).
ABORT_EXTENSION = "wechatpay_emulator.abort"
CONTROL_PREFIX = "/_emulator/"
SYNC_OPERATION = "syncServiceOrder"
QUERY_OPERATION = "queryServiceOrder"
# Control request bodies: 5 000 orders are about 2 MB of JSON; anything near this cap is a mistake.
CONTROL_BODY_LIMIT = 64 * 1024 * 1024
_LOGGER = logging.getLogger("wechatpay_emulator")
_BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
    b"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")
_DIGITS = re.compile(r"[0-9]+")


class _Drop:
    """Marker: answer nothing, cut the connection."""


_DROP = _Drop()


@attrs.frozen
class EmulatorState:
    """Everything the app reads and changes; shared with the `Emulator` Python API."""

    config: EmulatorConfig
    contract: Contract
    orders: OrderStore
    faults: FaultBoard
    log: RequestLog
    signer: ResponseSigner
    rate_limiter: RateLimiter = attrs.field(factory=RateLimiter)
    in_flight: InFlight = attrs.field(factory=InFlight)

    def reset(self) -> None:
        """Back to the configured orders, rate limit and log capacity, with no fault and an empty log."""
        self.orders.replace_all(self.config.orders)
        self.faults.clear()
        self.log.clear()
        self.log.set_capacity(self.config.request_log_capacity)
        self.rate_limiter.set(self.config.rate_limit)


@attrs.define
class _Exchange:
    """One API request in flight."""

    request_id: str
    method: str
    target: str
    query: str
    headers: list[tuple[str, str]]
    header_map: Headers
    body: bytes = b""
    fault: Fault | None = None
    signature_verified: bool | None = None


class _SyncApi:
    """The raw ASGI handler of the contract's operations (raw path, raw query and raw body are needed untouched)."""

    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._state.in_flight.enter()
        try:
            await self._handle(scope, receive, send)
        finally:
            self._state.in_flight.leave()

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = self._state
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        raw_path = raw_path.split(b"?", 1)[0]
        query: bytes = scope.get("query_string", b"")
        raw_headers: list[tuple[bytes, bytes]] = list(scope["headers"])
        exchange = _Exchange(
            request_id=new_request_id(),
            method=scope["method"],
            target=raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else ""),
            query=query.decode("latin-1"),
            headers=[(key.decode("latin-1"), value.decode("latin-1")) for key, value in raw_headers],
            header_map=Headers(raw=raw_headers),
        )
        body, oversized = await self._read_body(receive, exchange.header_map)
        if body is None:
            self._record(exchange, None, None)
            return
        exchange.body = body
        route = state.contract.match(exchange.method, raw_path)
        result: Answer | _Drop
        if oversized:
            limit = state.config.body_limit
            answer = error_answer(400, "INVALID_REQUEST", f"请求体超过 {limit} 字节的上限")
            result = attrs.evolve(answer, headers=(*answer.headers, ("connection", "close")))
        elif route is None:
            result = error_answer(404, "NOT_FOUND", "请求的资源不存在")
        else:
            exchange.fault = state.faults.take(_order_number(route, exchange.query))
            result = await self._process(exchange, route)
        if isinstance(result, _Drop):
            await self._drop(scope, exchange)
            return
        await self._send(send, exchange, result)

    async def _read_body(self, receive: Receive, headers: Headers) -> tuple[bytes | None, bool]:
        limit = self._state.config.body_limit
        declared = headers.get("content-length", "")
        if _DIGITS.fullmatch(declared) and (len(declared) > 18 or int(declared) > limit):
            return b"", True
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None, False
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return b"".join(chunks), True
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False

    async def _process(self, exchange: _Exchange, route: Route) -> Answer | _Drop:  # noqa: PLR0911 - one per fault
        fault = exchange.fault
        kind = None if fault is None else fault.kind
        if fault is not None and kind is FaultKind.LATENCY:
            await anyio.sleep(fault.seconds)
        elif fault is not None and kind is FaultKind.RATE_LIMITED:
            answer = error_answer(429, "FREQUENCY_LIMITED", "频率超限")
            if fault.retry_after is not None:
                answer = attrs.evolve(answer, headers=(*answer.headers, ("retry-after", str(fault.retry_after))))
            return answer
        elif kind is FaultKind.SYSTEM_ERROR:
            return error_answer(500, "SYSTEM_ERROR", "系统错误")
        elif kind is FaultKind.HTML_502:
            return Answer(502, _BAD_GATEWAY_HTML, (("content-type", "text/html"),), signed=False)
        elif kind is FaultKind.DROP_CONNECTION:
            return _DROP
        try:
            answer = self._checked(exchange, route)
        except Exception:  # an emulator bug must still answer like WeChat Pay (signed 500), not crash
            _LOGGER.exception("request %s failed inside the emulator", exchange.request_id)
            answer = error_answer(500, "SYSTEM_ERROR", "系统错误")
        if kind is FaultKind.APPLY_THEN_DROP:
            return _DROP
        if kind is FaultKind.APPLY_THEN_500:
            return error_answer(500, "SYSTEM_ERROR", "系统错误")
        return answer

    def _checked(self, exchange: _Exchange, route: Route) -> Answer:  # noqa: PLR0911 - one return per refusal, in order
        state = self._state
        config = state.config
        headers = exchange.header_map
        if not headers.get("accept") or not headers.get("user-agent"):
            return error_answer(400, "INVALID_REQUEST", "Http头缺少Accept或User-Agent")
        authorization = headers.get("authorization")
        if not authorization:
            return error_answer(401, "SIGN_ERROR", "Http头Authorization值为空")
        try:
            fields = parse_authorization(authorization)
        except SignatureError as exc:
            return error_answer(401, "SIGN_ERROR", f"Http头Authorization值格式错误: {exc}")
        if fields.mchid != config.mchid:
            return error_answer(403, "NO_AUTH", "商户无权限")
        retry_after = state.rate_limiter.admit(fields.mchid)
        if retry_after is not None:
            answer = error_answer(429, "FREQUENCY_LIMITED", "频率超限")
            return attrs.evolve(answer, headers=(*answer.headers, ("retry-after", str(retry_after))))
        message = request_message(exchange.method, exchange.target, fields.timestamp, fields.nonce_str, exchange.body)
        echo = {"sign_information": sign_information(exchange.method, exchange.target, message)}
        exchange.signature_verified = False
        if fields.serial_no != config.merchant_serial:
            return error_answer(401, "SIGN_ERROR", "商户证书序列号有误", echo)
        # ASCII digits only (str.isdigit() also takes "²"), and few enough that int() cannot refuse them.
        if (
            not _UNIX_SECONDS.fullmatch(fields.timestamp)
            or abs(int(fields.timestamp) - config.now()) > TIMESTAMP_TOLERANCE
        ):
            return error_answer(401, "SIGN_ERROR", "时间戳超出有效范围", echo)
        if not verify(config.merchant_public_key, message, fields.signature):
            return error_answer(401, "SIGN_ERROR", "签名错误", echo)
        exchange.signature_verified = True
        problem = state.contract.validate(route, exchange.headers, exchange.query, exchange.body)
        if problem is not None:
            return error_answer(400, "PARAM_ERROR", "参数错误", problem.detail())
        if route.operation_id == QUERY_OPERATION:
            return self._query(fields.mchid, exchange.query)
        if route.operation_id != SYNC_OPERATION:
            return error_answer(404, "NOT_FOUND", "请求的资源不存在")  # an operation of the contract not emulated
        document = json.loads(exchange.body)
        refusal = state.orders.sync(
            SyncRequest(
                mchid=fields.mchid,
                out_order_no=route.path_params["out_order_no"],
                service_id=document["service_id"],
                sub_mchid=document["sub_mchid"],
                channel_id=document.get("channel_id"),
                paid_time=document["detail"]["paid_time"],
            )
        )
        if refusal is not None:
            return error_answer(refusal.status, refusal.code, refusal.message)
        # WeChat Pay's 204 may carry a JSON content type with no body: clients must not parse it.
        return Answer(204, b"", (("content-type", "application/json"),))

    def _query(self, mchid: str, query: str) -> Answer:
        """`GET /v3/payscore/acquiringbank/serviceorder`: the order from the state machine, or its refusal."""
        params = _query_params(query)
        if isinstance(params, ParamProblem):
            return error_answer(400, "PARAM_ERROR", "参数错误", params.detail())
        found = self._state.orders.query(
            QueryRequest(
                mchid=mchid,
                service_id=params.get("service_id"),
                sub_mchid=params.get("sub_mchid", ""),
                channel_id=params.get("channel_id"),
                out_order_no=params.get("out_order_no"),
                query_id=params.get("query_id"),
            )
        )
        if isinstance(found, Refusal):
            return error_answer(found.status, found.code, found.message)
        body = json.dumps(found.query_answer(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return Answer(200, body, (("content-type", "application/json; charset=utf-8"),))

    async def _send(self, send: Send, exchange: _Exchange, answer: Answer) -> None:
        headers = list(answer.headers)
        if answer.status != 204:
            headers.append(("content-length", str(len(answer.body))))
        if answer.signed:
            tamper = exchange.fault.kind if exchange.fault is not None and exchange.fault.kind in SIGNATURE else None
            requested = exchange.header_map.get("wechatpay-serial")
            headers = [*self._state.signer.headers(exchange.request_id, answer.body, requested, tamper), *headers]
        # Logged before sending: a client that has its answer must find the request in the log.
        self._record(exchange, answer.status, answer.code)
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(key.encode("latin-1"), value.encode("latin-1")) for key, value in headers],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})

    async def _drop(self, scope: Scope, exchange: _Exchange) -> None:
        self._record(exchange, None, None)
        abort: Callable[[], None] | None = scope.get("extensions", {}).get(ABORT_EXTENSION)
        if abort is None:
            raise ConnectionDropped(f"fault {exchange.fault.kind if exchange.fault else ''} dropped the request")
        abort()
        # Let the server notice the lost connection before the app returns, so it does not try to answer.
        await anyio.sleep(0)
        await anyio.sleep(0)

    def _record(self, exchange: _Exchange, status: int | None, code: str | None) -> None:
        self._state.log.append(
            RequestLogEntry(
                request_id=exchange.request_id,
                received_at=self._state.config.now(),
                method=exchange.method,
                target=exchange.target,
                headers=truncated_headers(exchange.headers),
                body=exchange.body[:LOGGED_BODY_LIMIT],
                body_size=len(exchange.body),
                body_truncated=len(exchange.body) > LOGGED_BODY_LIMIT,
                status=status,
                code=code,
                signature_verified=exchange.signature_verified,
                fault=None if exchange.fault is None else exchange.fault.kind.value,
            )
        )


def _query_params(query: str) -> dict[str, str] | ParamProblem:
    """The query's parameters as UTF-8 text (the contract has already checked them, `x-exactly-one-of` included)."""
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return ParamProblem("", "percent-escapes are not UTF-8", "query")
    return dict(pairs)


def _order_number(route: Route, query: str) -> str | None:
    """The `out_order_no` a request addresses (in the path of a sync, in the query string of a query)."""
    if "out_order_no" in route.path_params:
        return route.path_params["out_order_no"]
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if name == "out_order_no":
            return value
    return None


def _control_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


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


async def _json_body(request: Request) -> Any:
    """The control request's JSON body; `ControlError` (400) for anything else, never a 500.

    Bounded in size and depth: a body nested 100 000 deep makes `json` raise `RecursionError`, and a value nested
    just below that would break serving it back.
    """
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > CONTROL_BODY_LIMIT:
            raise ControlError(f"the body is larger than {CONTROL_BODY_LIMIT} bytes")
        chunks.append(chunk)
    try:
        document = json.loads(b"".join(chunks))
    except RecursionError:
        raise ControlError("the body nests too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ControlError(f"the body is not JSON: {exc}") from None
    # Orders' own fields nest a few levels; a list of orders adds one.
    if not _depth_at_most(document, MAX_JSON_DEPTH + 2):
        raise ControlError("the body nests too deeply")
    return document


def _control_routes(state: EmulatorState) -> list[StarletteRoute]:
    """The `/_emulator/...` routes; `emulator/README.md` documents each one's JSON."""

    async def config(request: Request) -> Response:
        data = {**state.config.public_material(), "config_url": str(request.url_for("config"))}
        return JSONResponse(data)

    async def list_orders(_: Request) -> Response:
        return JSONResponse({"orders": [order.to_json() for order in state.orders.all()]})

    async def seed_orders(request: Request) -> Response:
        seeded = state.orders.seed_many(orders_from_json(await _json_body(request)))
        return JSONResponse({"count": len(seeded), "orders": [order.to_json() for order in seeded]}, status_code=201)

    async def get_order(request: Request) -> Response:
        order = state.orders.get(request.path_params["out_order_no"], request.query_params.get("mchid"))
        return JSONResponse(order.to_json())

    async def list_requests(_: Request) -> Response:
        return JSONResponse(
            {"capacity": state.log.capacity, "requests": [entry.to_json() for entry in state.log.entries()]}
        )

    async def clear_requests(_: Request) -> Response:
        state.log.clear()
        return Response(status_code=204)

    async def set_request_capacity(request: Request) -> Response:
        data = await _json_body(request)
        if not isinstance(data, Mapping) or set(data) != {"capacity"}:
            raise ControlError('the body must be {"capacity": N}')
        state.log.set_capacity(data["capacity"])
        return JSONResponse({"capacity": state.log.capacity})

    async def list_faults(_: Request) -> Response:
        return JSONResponse({"faults": [entry.to_json() for entry in state.faults.active()]})

    async def inject_fault(request: Request) -> Response:
        data = await _json_body(request)
        if not isinstance(data, Mapping):
            raise ControlError("a fault must be a JSON object")
        times = data.get("times", 1)
        if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
            raise ControlError("times must be an integer or null")
        out_order_no = data.get("out_order_no")
        if out_order_no is not None and not isinstance(out_order_no, str):
            raise ControlError("out_order_no must be a string or null")
        fault_id = state.faults.inject(Fault.from_json(data), times=times, out_order_no=out_order_no)
        return JSONResponse({"id": fault_id}, status_code=201)

    async def clear_faults(_: Request) -> Response:
        state.faults.clear()
        return Response(status_code=204)

    async def get_rate_limit(_: Request) -> Response:
        return JSONResponse({"per_second": state.rate_limiter.per_second})

    async def set_rate_limit(request: Request) -> Response:
        data = await _json_body(request)
        if not isinstance(data, Mapping) or set(data) != {"per_second"}:
            raise ControlError('the body must be {"per_second": N} or {"per_second": null}')
        state.rate_limiter.set(check_rate(data["per_second"]))
        return JSONResponse({"per_second": state.rate_limiter.per_second})

    async def reset(_: Request) -> Response:
        state.reset()
        return Response(status_code=204)

    return [
        StarletteRoute("/_emulator/config", config, methods=["GET"], name="config"),
        StarletteRoute("/_emulator/orders", list_orders, methods=["GET"]),
        StarletteRoute("/_emulator/orders", seed_orders, methods=["POST"]),
        StarletteRoute("/_emulator/orders/{out_order_no}", get_order, methods=["GET"]),
        StarletteRoute("/_emulator/requests", list_requests, methods=["GET"]),
        StarletteRoute("/_emulator/requests", clear_requests, methods=["DELETE"]),
        StarletteRoute("/_emulator/requests/capacity", set_request_capacity, methods=["PUT"]),
        StarletteRoute("/_emulator/faults", list_faults, methods=["GET"]),
        StarletteRoute("/_emulator/faults", inject_fault, methods=["POST"]),
        StarletteRoute("/_emulator/faults", clear_faults, methods=["DELETE"]),
        StarletteRoute("/_emulator/rate-limit", get_rate_limit, methods=["GET"]),
        StarletteRoute("/_emulator/rate-limit", set_rate_limit, methods=["PUT"]),
        StarletteRoute("/_emulator/reset", reset, methods=["POST"]),
    ]


async def _on_bad_control_input(_: Request, exc: Exception) -> Response:
    return _control_error(400, str(exc))


async def _on_unknown_order(_: Request, exc: Exception) -> Response:
    return _control_error(404, f"no order {exc.args[0] if exc.args else exc}")


class _ApiBeforeRouting:
    """Sends every request outside `/_emulator/` to the API before Starlette's router sees it.

    The router matches the percent-decoded path, where an order number like `ABC%0A` has become a line feed that
    no route pattern matches; the API must see the raw target and answer in WeChat Pay's terms instead.
    """

    def __init__(self, app: ASGIApp, api: ASGIApp) -> None:
        self._app = app
        self._api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The raw path, not the decoded one: `/%5Femulator/config` is an API request (answered 404), not control.
        raw_path: bytes = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8")
        if scope["type"] == "http" and not raw_path.startswith(CONTROL_PREFIX.encode("ascii")):
            await self._api(scope, receive, send)
        else:
            await self._app(scope, receive, send)


def build_app(state: EmulatorState) -> Starlette:
    """The Starlette app: the control surface under `/_emulator/`, everything else to the WeChat Pay API."""
    return Starlette(
        routes=_control_routes(state),
        middleware=[Middleware(_ApiBeforeRouting, api=_SyncApi(state))],
        exception_handlers={
            ControlError: _on_bad_control_input,
            InvalidOrderError: _on_bad_control_input,
            UnknownOrderError: _on_unknown_order,
        },
    )
