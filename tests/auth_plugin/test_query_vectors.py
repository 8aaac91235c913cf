"""A signed GET with a query string, exactly as sent (query-vectors.json).

The URL line of the signed message is the path, `?` and the query string as it goes on the wire. The vectors fix
that string for the query endpoint (the contract's parameter order; `|` as `%7C`, `*` as `%2A`) and the signature of
each message under the peer vectors' test-only merchant key. The generated `query_service_order`, signed by
`WechatPayAuth`, must put exactly that string on the request line of a real server on 127.0.0.1 and exactly that
`Authorization` beside it, and a verified answer must come back parsed.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from wechatpay_auth import WechatPayAuth, authorization_header, request_message, sign
from wechatpay_payscore import Client
from wechatpay_payscore.api.payscore import query_service_order
from wechatpay_payscore.models import ServiceOrder

from .conftest import NOW, PUBLIC_KEY_ID, VECTORS

CASES = ["Q01_by_out_order_no", "Q02_out_order_no_pipe_star", "Q03_by_query_id", "Q04_query_id_reserved_characters"]
ORDER = {
    "out_order_no": "1234323JKHDFE1243252",
    "service_id": "2002000000000558128851361561536",
    "appid": "wxd678efh567hg6787",
    "mchid": "1230000109",
    "service_introduction": "某某酒店",
    "state": "DONE",
    "order_id": "15646546545165651651",
    "collection": {"state": "USER_PAID", "details": [{"seq": 1, "paid_type": "MCH", "paid_time": "20091225091210"}]},
}


@pytest.fixture(scope="module")
def query_vectors() -> dict[str, dict[str, Any]]:
    data = json.loads((VECTORS / "query-vectors.json").read_text(encoding="utf-8"))
    return {case["id"]: case for case in data["cases"]}


def test_every_query_vector_is_covered(query_vectors: dict[str, dict[str, Any]]) -> None:
    assert sorted(query_vectors) == CASES


@pytest.mark.parametrize("case_id", CASES)
def test_message_signature_and_header(
    query_vectors: dict[str, dict[str, Any]], merchant_key: rsa.RSAPrivateKey, case_id: str
) -> None:
    given, reference = query_vectors[case_id]["input"], query_vectors[case_id]["reference"]
    assert given["method"] == "GET" and given["body"] == ""
    message = request_message("GET", given["url"], given["timestamp"], given["nonce"], b"")
    assert message == reference["message"].encode("ascii")
    assert message.endswith(b"\n\n")  # the empty body line is kept
    assert sign(message, merchant_key) == reference["signature"]
    header = authorization_header(
        given["mchid"], given["serial_no"], given["timestamp"], given["nonce"], sign(message, merchant_key)
    )
    assert header == reference["authorization"]


class Recorded:
    """What the server received, and the platform key it signs its answers with."""

    def __init__(self, platform_key: rsa.RSAPrivateKey) -> None:
        self.platform_key = platform_key
        self.requests: list[tuple[str, str | None]] = []

    def signed_answer(self) -> tuple[dict[str, str], bytes]:
        body = json.dumps(ORDER, ensure_ascii=False).encode("utf-8")
        nonce = f"ANSWERNONCE{len(self.requests):021d}"
        message = f"{NOW}\n{nonce}\n".encode() + body + b"\n"
        signature = base64.b64encode(self.platform_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
        headers = {
            "Content-Type": "application/json",
            "Request-ID": "08F78BB5AF0610D302102C0FBA0C6FA6",
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": PUBLIC_KEY_ID,
            "Wechatpay-Signature": signature,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Wechatpay-Timestamp": str(NOW),
        }
        return headers, body


@pytest.fixture
def server(platform_key: rsa.RSAPrivateKey) -> Iterator[tuple[str, Recorded]]:
    recorded = Recorded(platform_key)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # self.path is the request target exactly as received: path and query, still percent-encoded.
            recorded.requests.append((self.path, self.headers.get("Authorization")))
            headers, body = recorded.signed_answer()
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", recorded
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.mark.parametrize("case_id", CASES)
def test_the_generated_query_sends_and_signs_the_vector(
    query_vectors: dict[str, dict[str, Any]],
    server: tuple[str, Recorded],
    make_auth: Callable[..., WechatPayAuth],
    case_id: str,
) -> None:
    base_url, recorded = server
    given, reference = query_vectors[case_id]["input"], query_vectors[case_id]["reference"]
    params = dict(given["params"])
    assert list(params) == [name for name, _ in given["params"]]  # no repeated names
    auth = make_auth(clock=lambda: int(given["timestamp"]), nonce=lambda: given["nonce"])
    with Client(base_url=base_url, httpx_args={"auth": auth}) as client:
        response = query_service_order.sync_detailed(client=client, **params)
    assert recorded.requests == [(given["url"], reference["authorization"])]
    assert response.status_code == 200
    assert isinstance(response.parsed, ServiceOrder)
    assert response.parsed.to_dict() == ORDER
