"""Properties: sign → verify round-trips for any input; any one changed byte breaks the signature."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpay_auth import WechatPayAuth, load_private_key, request_message, response_message, sign, verify

# Hypothesis runs each example in one function call: keys come from module constants, not function fixtures.
_KEYS = json.loads((Path(__file__).parent / "vectors" / "peer-vectors.json").read_text(encoding="utf-8"))["keys"]
MERCHANT_KEY = load_private_key(_KEYS["merchant_private_pem"])  # test-only key from the peer vectors
PLATFORM_KEY = load_private_key(_KEYS["platform_private_pem"])  # test-only key from the peer vectors
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001002024112700000000"

methods = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"])
paths = st.binary(max_size=300)
bodies = st.binary(max_size=2000)
timestamps = st.integers(min_value=0, max_value=2**40)
nonces = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=32)


def change_one_byte(data: bytes, index: int, delta: int) -> bytes:
    """``data`` with the byte at ``index`` replaced by another value (``delta`` in 1..255 keeps it different)."""
    position = index % len(data)
    return data[:position] + bytes([(data[position] + delta) % 256]) + data[position + 1 :]


@settings(max_examples=60, deadline=None)
@given(method=methods, path=paths, timestamp=timestamps, nonce=nonces, body=bodies)
def test_any_request_round_trips(method: str, path: bytes, timestamp: int, nonce: str, body: bytes) -> None:
    message = request_message(method, path, timestamp, nonce, body)
    assert message.endswith(body + b"\n")
    assert verify(message, sign(message, MERCHANT_KEY), MERCHANT_KEY.public_key())


@settings(max_examples=60, deadline=None)
@given(timestamp=timestamps, nonce=nonces, body=bodies)
def test_any_response_round_trips(timestamp: int, nonce: str, body: bytes) -> None:
    message = response_message(timestamp, nonce, body)
    assert verify(message, sign(message, PLATFORM_KEY), PLATFORM_KEY.public_key())


@settings(max_examples=120, deadline=None)
@given(
    timestamp=timestamps,
    nonce=nonces,
    body=bodies,
    part=st.sampled_from(["timestamp", "nonce", "body", "signature"]),
    index=st.integers(min_value=0),
    delta=st.integers(min_value=1, max_value=255),
)
def test_any_changed_byte_fails(timestamp: int, nonce: str, body: bytes, part: str, index: int, delta: int) -> None:
    parts = {"timestamp": str(timestamp).encode(), "nonce": nonce.encode(), "body": body}
    signature = sign(response_message(parts["timestamp"], parts["nonce"], parts["body"]), PLATFORM_KEY)
    if part == "signature":
        # Changed in the raw signature, not its Base64 text: the last Base64 character carries unused padding bits.
        signature = base64.b64encode(change_one_byte(base64.b64decode(signature), index, delta)).decode()
    elif parts[part]:
        parts[part] = change_one_byte(parts[part], index, delta)
    else:
        parts[part] = bytes([delta])  # an empty body: "one changed byte" is one added byte
    message = response_message(parts["timestamp"], parts["nonce"], parts["body"])
    assert not verify(message, signature, PLATFORM_KEY.public_key())


@settings(max_examples=200, deadline=None)
@given(signature=st.text(max_size=400) | st.just("WECHATPAY/SIGNTEST/") | st.text().map("WECHATPAY/SIGNTEST/".__add__))
def test_verify_never_raises(signature: str) -> None:
    assert verify(b"1700000000\nNONCE\n\n", signature, PLATFORM_KEY.public_key()) is False


@settings(max_examples=60, deadline=None)
@given(
    segment=st.text(min_size=1, max_size=40).filter(lambda s: s not in {".", ".."}),
    query=st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=12), max_size=3),
    body=bodies,
)
def test_any_request_is_signed_as_it_goes_on_the_wire(segment: str, query: dict[str, str], body: bytes) -> None:
    auth = WechatPayAuth(
        mchid="1900000100",
        serial_no="3775B6A45ACD588826D15E583A95F5DD2F6D4F0A",
        private_key=MERCHANT_KEY,
        wechatpay_public_keys={PUBLIC_KEY_ID: PLATFORM_KEY.public_key()},
        clock=lambda: 1_700_000_000,
        nonce=lambda: "NONCE",
    )
    url = f"https://api.mch.weixin.qq.com/v3/payscore/{quote(segment, safe='')}/sync"
    request = httpx.Request("POST", url, params=query, content=body)
    auth.sign_request(request)
    # Verified independently, over the target httpx will put on the request line.
    target = request.url.raw_path
    message = b"POST\n" + target + b"\n1700000000\nNONCE\n" + body + b"\n"
    fields = dict(item.split("=", 1) for item in request.headers["Authorization"].split(" ", 1)[1].split(","))
    signature = base64.b64decode(fields["signature"].strip('"'))
    MERCHANT_KEY.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
