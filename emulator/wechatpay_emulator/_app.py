"""The ASGI app: WeChat Pay's service-order API, and the `/_emulator/...` control surface beside it.

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
6. the contract (openapi-core): `400 PARAM_ERROR` with `detail` {field, value, issue, location}; also the rules the
   contract writes as data: `x-exactly-one-of`, and the body's `x-rules` (`sum`, `unique`);
7. the operation's handler (`_operations`): the order (`404 ORDER_NOT_EXIST`), its ids (`403 NO_AUTH`), the
   lifecycle table (`ORDER_DONE` / `ORDER_CANCELED` / `INVALID_ORDER_STATE`), the rules that need the order
   (`INVALID_REQUEST`), then the change and the contract's success.

Every answer except the injected HTML 502 and a dropped connection is signed.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
from collections.abc import Callable

import anyio
import attrs
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ._config import TIMESTAMP_TOLERANCE
from ._control import control_error, control_routes, on_state_conflict
from ._errors import (
    ConnectionDropped,
    ControlError,
    InvalidOrderError,
    SignatureError,
    StateConflictError,
    UnknownOrderError,
)
from ._faults import SIGNATURE, Fault, FaultKind
from ._log import LOGGED_BODY_LIMIT, InFlightRequest, RequestLogEntry, precise_time, truncated_headers
from ._notification_control import notification_routes
from ._operations import OPERATIONS, Call
from ._responses import Answer, error_answer
from ._rules import check_body
from ._signing import new_request_id, parse_authorization, request_message, sign_information, verify
from ._state import EmulatorState
from ._validation import ParamProblem, Route

__all__ = ["ABORT_EXTENSION", "EmulatorState", "build_app"]

# The ASGI scope extension through which the emulator's own server lets the app cut a connection (see `_server`).
ABORT_EXTENSION = "wechatpay_emulator.abort"
CONTROL_PREFIX = "/_emulator/"
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


@attrs.define
class _Exchange:
    """One API request in flight."""

    request_id: str
    arrived_at: float
    peer: str | None
    method: str
    target: str
    query: str
    headers: list[tuple[str, str]]
    header_map: Headers
    body: bytes = b""
    operation: str | None = None
    out_order_no: str | None = None
    fault: Fault | None = None
    signature_verified: bool | None = None


class _Api:
    """The raw ASGI handler of the contract's operations (raw path, raw query and raw body are needed untouched)."""

    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        arrived_at = precise_time()
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        raw_path = raw_path.split(b"?", 1)[0]
        query: bytes = scope.get("query_string", b"")
        raw_headers: list[tuple[bytes, bytes]] = list(scope["headers"])
        client = scope.get("client")
        exchange = _Exchange(
            request_id=new_request_id(),
            arrived_at=arrived_at,
            peer=None if not client else f"{client[0]}:{client[1]}",
            method=scope["method"],
            target=raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else ""),
            query=query.decode("latin-1"),
            headers=[(key.decode("latin-1"), value.decode("latin-1")) for key, value in raw_headers],
            header_map=Headers(raw=raw_headers),
        )
        in_flight = self._state.in_flight
        in_flight.enter(
            InFlightRequest(
                request_id=exchange.request_id,
                method=exchange.method,
                target=exchange.target,
                peer=exchange.peer,
                arrived_at=arrived_at,
            )
        )
        try:
            await self._handle(scope, receive, send, exchange, raw_path)
        finally:
            in_flight.leave(exchange.request_id)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, exchange: _Exchange, raw_path: bytes) -> None:
        state = self._state
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
            exchange.operation = route.operation_id
            exchange.out_order_no = state.contract.order_number(route, exchange.query, exchange.body)
            exchange.fault = state.faults.take(exchange.out_order_no, route.operation_id)
            state.in_flight.describe(
                exchange.request_id,
                operation=exchange.operation,
                out_order_no=exchange.out_order_no,
                fault=None if exchange.fault is None else exchange.fault.kind.value,
            )
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
        handler = OPERATIONS.get(route.operation_id or "")
        if handler is None:
            return error_answer(404, "NOT_FOUND", "请求的资源不存在")  # an operation of the contract not emulated
        params = _query_params(exchange.query)
        if isinstance(params, ParamProblem):
            return error_answer(400, "PARAM_ERROR", "参数错误", params.detail())
        # The contract accepted the body: strict UTF-8 JSON of the operation's schema (or no body at all).
        document = json.loads(exchange.body.decode("utf-8")) if exchange.body else None
        rules = state.contract.rules(route.operation_id)
        violation = check_body(rules, document)
        if violation is not None:
            return error_answer(400, violation.code, violation.message, violation.detail())
        call = Call(route.operation_id or "", fields.mchid, route.path_params, params, document, rules)
        return handler(state.orders, call)

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
                arrived_at=exchange.arrived_at,
                finished_at=precise_time(),
                peer=exchange.peer,
                operation=exchange.operation,
                out_order_no=exchange.out_order_no,
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


async def _on_bad_control_input(_: Request, exc: Exception) -> Response:
    return control_error(400, str(exc))


async def _on_unknown_order(_: Request, exc: Exception) -> Response:
    return control_error(404, f"no order {exc.args[0] if exc.args else exc}")


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
        routes=[*control_routes(state), *notification_routes(state)],
        middleware=[Middleware(_ApiBeforeRouting, api=_Api(state))],
        exception_handlers={
            ControlError: _on_bad_control_input,
            InvalidOrderError: _on_bad_control_input,
            UnknownOrderError: _on_unknown_order,
            StateConflictError: on_state_conflict,
        },
    )
