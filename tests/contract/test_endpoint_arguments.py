"""The generated API functions refuse, before anything is sent, arguments they cannot send as the contract says.

Each function builds its request inside `try`; what cannot be sent (a non-`str` path or query parameter, a body
that is not the declared model, a value JSON cannot carry, a lone surrogate) goes through the client's
`invalid_argument` hook, whose default raises the error itself. A real HTTP server on 127.0.0.1 counts what arrives.
"""

from __future__ import annotations

import http.server
import json
import threading
import typing
from collections.abc import Callable, Coroutine, Iterator

import pytest
from wechatpay_payscore import Client
from wechatpay_payscore.api.payscore import query_service_order, sync_service_order
from wechatpay_payscore.errors import InvalidArgumentError, InvalidArgumentTypeError
from wechatpay_payscore.models import ServiceOrder, SyncDetail, SyncServiceOrderRequest

ORDER = {
    "out_order_no": "A|B*c",
    "service_id": "2002000000000558128851361561536",
    "appid": "wxd678efh567hg6787",
    "mchid": "1230000109",
    "service_introduction": "某某酒店",
    "state": "DONE",
    "order_id": "15646546545165651651",
}
IDS = {"service_id": "2002000000000558128851361561536", "sub_mchid": "1900000109", "channel_id": "1230000109"}


class Recorder(http.server.BaseHTTPRequestHandler):
    seen: typing.ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(f"GET {self.path}")
        body = json.dumps(ORDER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.seen.append(f"POST {self.path} {self.rfile.read(length).decode()}")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def running_server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def server(running_server: tuple[str, list[str]]) -> tuple[str, list[str]]:
    running_server[1].clear()
    return running_server


def body(**detail: typing.Any) -> SyncServiceOrderRequest:
    return SyncServiceOrderRequest(
        service_id=IDS["service_id"],
        sub_mchid=IDS["sub_mchid"],
        channel_id=IDS["channel_id"],
        detail=SyncDetail(**({"paid_time": "20091225091210"} | detail)),
    )


def test_valid_calls_go_out_as_the_contract_says(server: tuple[str, list[str]]) -> None:
    base_url, seen = server
    with Client(base_url=base_url) as client:
        assert sync_service_order.sync_detailed("A|B*c", client=client, body=body()).status_code == 204
        order = query_service_order.sync(client=client, out_order_no="A|B*c", **IDS)
    assert isinstance(order, ServiceOrder) and order.state == "DONE"
    assert seen == [
        'POST /v3/payscore/acquiringbank/serviceorder/A%7CB%2Ac/sync {"service_id":"2002000000000558128851361561536",'
        '"sub_mchid":"1900000109","type":"Order_Paid","detail":{"paid_time":"20091225091210"},'
        '"channel_id":"1230000109"}',
        "GET /v3/payscore/acquiringbank/serviceorder?service_id=2002000000000558128851361561536&sub_mchid=1900000109"
        "&channel_id=1230000109&out_order_no=A%7CB%2Ac",
    ]


BAD_SYNC_CALLS: list[tuple[str, dict[str, typing.Any], type[Exception], str]] = [
    ("None order number", {"out_order_no": None}, InvalidArgumentTypeError, "out_order_no: expected a string, got"),
    ("int order number", {"out_order_no": 12345}, InvalidArgumentTypeError, "out_order_no: expected a string"),
    ("lone surrogate", {"out_order_no": "ab\ud800"}, InvalidArgumentError, "out_order_no: is not valid Unicode"),
    ("body None", {"body": None}, InvalidArgumentTypeError, "body: expected SyncServiceOrderRequest, got NoneType"),
    ("body dict", {"body": {"service_id": "x"}}, InvalidArgumentTypeError, "body: expected SyncServiceOrderRequest"),
    ("NaN field", {"body": body(paid_time=float("nan"))}, InvalidArgumentError, "body: Out of range float"),
    ("bytes field", {"body": body(paid_time=b"2009")}, InvalidArgumentTypeError, "body: Object of type bytes"),
    ("surrogate field", {"body": body(paid_time="\udfff")}, InvalidArgumentError, "body: is not valid Unicode"),
]


def sync_calls(client: Client) -> dict[str, Callable[..., object]]:
    def run(function: Callable[..., Coroutine[object, object, object]]) -> Callable[..., object]:
        import asyncio

        return lambda *args, **kwargs: asyncio.run(function(*args, **kwargs))

    return {
        "sync_detailed": sync_service_order.sync_detailed,
        "sync": sync_service_order.sync,
        "asyncio_detailed": run(sync_service_order.asyncio_detailed),
        "asyncio": run(sync_service_order.asyncio),
    }


@pytest.mark.parametrize("function", ["sync_detailed", "sync", "asyncio_detailed", "asyncio"])
@pytest.mark.parametrize(("case", "change", "error", "message"), BAD_SYNC_CALLS, ids=[c[0] for c in BAD_SYNC_CALLS])
def test_sync_refuses_what_it_cannot_send(
    server: tuple[str, list[str]],
    function: str,
    case: str,
    change: dict[str, typing.Any],
    error: type[Exception],
    message: str,
) -> None:
    base_url, seen = server
    client = Client(base_url=base_url)
    arguments: dict[str, typing.Any] = {"out_order_no": "1234323JKHDFE1243252", "body": body()} | change
    with pytest.raises(error, match=f"^{message}") as caught:
        sync_calls(client)[function](arguments.pop("out_order_no"), client=client, **arguments)
    assert isinstance(caught.value, (TypeError, ValueError))
    assert seen == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"service_id": None}, "service_id: expected a string, got NoneType"),
        ({"channel_id": 1230000109}, "channel_id: expected a string, got 1230000109"),
        ({"out_order_no": None}, "out_order_no: expected a string or Unset, got NoneType"),
        ({"query_id": "q\ud800"}, r"query_id: is not valid Unicode at position 1 \(a lone surrogate\)"),
    ],
)
def test_query_refuses_what_it_cannot_send(
    server: tuple[str, list[str]], change: dict[str, typing.Any], message: str
) -> None:
    base_url, seen = server
    with Client(base_url=base_url) as client, pytest.raises(InvalidArgumentError, match=f"^{message}$"):
        query_service_order.sync_detailed(client=client, **({"out_order_no": "A"} | IDS | change))
    assert seen == []


class RefusedBeforeSending(Exception):
    pass


class OwnErrors(Client):
    def invalid_argument(self, error: Exception) -> Exception:
        return RefusedBeforeSending(f"refused: {error}")


@pytest.mark.anyio
async def test_the_client_hook_chooses_the_error(server: tuple[str, list[str]]) -> None:
    base_url, seen = server
    client = OwnErrors(base_url=base_url)
    with pytest.raises(RefusedBeforeSending, match=r"^refused: out_order_no: expected a string") as caught:
        sync_service_order.sync_detailed(None, client=client, body=body())  # type: ignore[arg-type]
    assert isinstance(caught.value.__cause__, InvalidArgumentTypeError)
    with pytest.raises(RefusedBeforeSending) as caught:
        await query_service_order.asyncio(
            client=client,
            service_id=IDS["service_id"],
            sub_mchid=None,  # type: ignore[arg-type]
            channel_id=IDS["channel_id"],
            out_order_no="A",
        )
    assert isinstance(caught.value.__cause__, InvalidArgumentTypeError)
    # An AttributeError while building the body (a dict where a nested model belongs) goes the same way.
    broken = body()
    broken.detail = {"paid_time": "20091225091210"}  # type: ignore[assignment]
    with pytest.raises(RefusedBeforeSending) as caught:
        sync_service_order.sync("1234323JKHDFE1243252", client=client, body=broken)
    assert isinstance(caught.value.__cause__, AttributeError)
    assert seen == []


def test_the_default_hook_raises_the_error_itself() -> None:
    error = ValueError("x")
    assert Client(base_url="http://127.0.0.1:1").invalid_argument(error) is error
