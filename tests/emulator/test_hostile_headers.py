"""Header bytes an attacker or a broken client may send: answered like WeChat Pay (signed 4xx), never a 500."""

from __future__ import annotations

import base64

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from wechatpay_emulator import Emulator, Fault, demo

from tests.emulator.support import FIXED_NOW, MERCHANT_KEY, SEED, compact, path, sync_body, verify_response


def raw_authorization(timestamp: bytes, nonce: bytes, target: str, body: bytes) -> bytes:
    message = b"POST\n" + target.encode() + b"\n" + timestamp + b"\n" + nonce + b"\n" + body + b"\n"
    signature = base64.b64encode(MERCHANT_KEY.sign(message, padding.PKCS1v15(), hashes.SHA256()))
    return (
        b'WECHATPAY2-SHA256-RSA2048 mchid="'
        + demo.DEMO_MCHID.encode()
        + b'",nonce_str="'
        + nonce
        + b'",signature="'
        + signature
        + b'",timestamp="'
        + timestamp
        + b'",serial_no="'
        + demo.DEMO_MERCHANT_SERIAL.encode()
        + b'"'
    )


def send_raw(client: httpx.Client, *, timestamp: bytes, nonce: bytes) -> httpx.Response:
    target, body = path(SEED), compact(sync_body())
    headers = [
        (b"Accept", b"application/json"),
        (b"User-Agent", b"emulator-tests/1"),
        (b"Content-Type", b"application/json"),
        (b"Authorization", raw_authorization(timestamp, nonce, target, body)),
    ]
    return client.send(client.build_request("POST", target, content=body, headers=headers))


@pytest.mark.parametrize("timestamp", ["\u00b2".encode("latin-1"), b"1" * 5000, b"-1800000000", b"1.8e9"])
def test_timestamps_that_are_not_unix_seconds_are_sign_error(
    emu: Emulator, client: httpx.Client, timestamp: bytes
) -> None:
    response = send_raw(client, timestamp=timestamp, nonce=b"n1")
    assert response.status_code == 401
    assert response.json()["code"] == "SIGN_ERROR"
    assert verify_response(response)
    assert emu.order(SEED).state == "DOING"


def test_nonce_is_verified_over_the_bytes_received(emu: Emulator, client: httpx.Client) -> None:
    # A byte outside ASCII in a header is received as latin-1; the signed message must be rebuilt from the same bytes.
    response = send_raw(client, timestamp=str(FIXED_NOW).encode(), nonce=b"caf\xe9")
    assert response.status_code == 204, response.text
    assert emu.order(SEED).state == "DONE"


@pytest.mark.parametrize("seconds", ["NaN", "Infinity", "1e400", "-1", "3601"])
def test_nonsense_latency_is_refused_by_the_control_surface(emu: Emulator, client: httpx.Client, seconds: str) -> None:
    response = client.post(
        "/_emulator/faults", content=f'{{"kind": "latency", "seconds": {seconds}}}'.encode(), headers={}
    )
    assert response.status_code == 400
    assert "latency" in response.json()["error"]
    assert client.get("/_emulator/faults").status_code == 200
    assert emu.faults == []


def test_nonsense_latency_is_refused_by_the_python_api() -> None:
    with pytest.raises(ValueError, match="finite"):
        Fault.latency(float("nan"))
