"""``WechatPayAuth.auth_flow`` driven by hand, the way httpx tests its own auth classes."""

from __future__ import annotations

import base64
from collections.abc import Callable, Generator
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from wechatpay_auth import (
    ClockSkewError,
    ConfigurationError,
    InvalidSignatureError,
    MissingSignatureHeadersError,
    ProbeSignatureError,
    ResponseVerificationError,
    UnknownSerialError,
    Verification,
    WechatPayAuth,
    WechatPayError,
    default_clock,
    default_nonce,
    verification_of,
)

MCHID = "1900000100"
MERCHANT_SERIAL = "3775B6A45ACD588826D15E583A95F5DD2F6D4F0A"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001002024112700000000"
NOW = 1_700_000_000
NONCE = "593BEC0C930BF1AFEB40B4A08C8FB242"
ANSWER_NONCE = "ANSWERNONCE000000000000000000001"
REQUEST_ID = "08F0B0A4AF0610ACB1A1D80B18F6E2A0A60220F3A20428E4B501-0"
URL = "https://api.mch.weixin.qq.com/v3/payscore/acquiringbank/serviceorder/1234323JKHDFE1243252/sync"
BODY = (
    b'{"service_id":"2002000000000558128851361561536","sub_mchid":"1900000109","channel_id":"1230000109",'
    b'"type":"Order_Paid","detail":{"paid_time":"20091225091210"}}'
)

Flow = Generator[httpx.Request, httpx.Response, None]


def signature_over(key: rsa.RSAPrivateKey, message: bytes) -> str:
    """WeChat Pay's side, with plain cryptography: SHA256withRSA, Base64."""
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def answer(
    request: httpx.Request,
    key: rsa.RSAPrivateKey,
    *,
    status: int = 204,
    body: bytes = b"",
    timestamp: str = str(NOW),
    nonce: str = ANSWER_NONCE,
    serial: str = PUBLIC_KEY_ID,
    signed_message: bytes | None = None,
    signature: str | None = None,
    drop: tuple[str, ...] = (),
    extra: dict[str, str] | None = None,
) -> httpx.Response:
    """A WeChat Pay answer signed over TIMESTAMP\\nNONCE\\nBODY\\n unless told otherwise."""
    message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n" if signed_message is None else signed_message
    headers = {
        "Request-ID": REQUEST_ID,
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": signature if signature is not None else signature_over(key, message),
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        **(extra or {}),
    }
    for name in drop:
        del headers[name]
    if status == 204:
        headers["Content-Type"] = "application/json"
    return httpx.Response(status, headers=headers, content=body, request=request)


def start(auth: WechatPayAuth, request: httpx.Request) -> tuple[Flow, httpx.Request]:
    flow = auth.auth_flow(request)
    return flow, next(flow)


def finish(flow: Flow, response: httpx.Response) -> None:
    with pytest.raises(StopIteration):
        flow.send(response)


def post() -> httpx.Request:
    return httpx.Request("POST", URL, content=BODY, headers={"Content-Type": "application/json"})


# --- signing -----------------------------------------------------------------------------------------------------


def test_flow_signs_the_s01_vector(make_auth: Callable[..., WechatPayAuth], vectors: dict[str, Any]) -> None:
    expected = next(c for c in vectors["cases"] if c["id"] == "S01_seed_compact")["reference"]["authorization"]
    _, sent = start(make_auth(), post())
    assert sent.headers["Authorization"] == expected
    assert sent.headers["Wechatpay-Serial"] == PUBLIC_KEY_ID


def test_flow_signs_the_s04_get_with_query(make_auth: Callable[..., WechatPayAuth], vectors: dict[str, Any]) -> None:
    reference = next(c for c in vectors["cases"] if c["id"] == "S04_get_query")
    url = "https://api.mch.weixin.qq.com" + reference["input"]["url"]
    _, sent = start(make_auth(), httpx.Request("GET", url))
    assert sent.headers["Authorization"] == reference["reference"]["authorization"]


def test_json_body_is_signed_as_sent_not_reserialized(
    make_auth: Callable[..., WechatPayAuth], vectors: dict[str, Any]
) -> None:
    # httpx serializes json= compactly; S01 is that compact text, S02 the json.dumps() default peers wrongly sign.
    cases = {c["id"]: c for c in vectors["cases"]}
    document = {
        "service_id": "2002000000000558128851361561536",
        "sub_mchid": "1900000109",
        "channel_id": "1230000109",
        "type": "Order_Paid",
        "detail": {"paid_time": "20091225091210"},
    }
    request = httpx.Request("POST", URL, json=document)
    _, sent = start(make_auth(), request)
    assert sent.content == cases["S01_seed_compact"]["input"]["body"].encode()
    assert sent.headers["Authorization"] == cases["S01_seed_compact"]["reference"]["authorization"]
    assert sent.headers["Authorization"] != cases["S02_seed_python_json_dumps"]["reference"]["authorization"]


def test_sign_request_resigns_with_a_fresh_timestamp_and_nonce(
    make_auth: Callable[..., WechatPayAuth], merchant_key: rsa.RSAPrivateKey
) -> None:
    ticks = iter([NOW, NOW + 7])
    nonces = iter(["FIRSTNONCE", "SECONDNONCE"])
    auth = make_auth(clock=lambda: next(ticks), nonce=lambda: next(nonces))
    request = post()
    auth.sign_request(request)
    first = request.headers["Authorization"]
    auth.sign_request(request)
    second = request.headers["Authorization"]
    assert 'nonce_str="FIRSTNONCE"' in first
    assert f'timestamp="{NOW}"' in first
    assert 'nonce_str="SECONDNONCE"' in second
    assert f'timestamp="{NOW + 7}"' in second
    assert request.headers.get_list("Authorization") == [second]
    assert request.headers.get_list("Wechatpay-Serial") == [PUBLIC_KEY_ID]


def test_float_clock_is_truncated_to_whole_seconds(make_auth: Callable[..., WechatPayAuth]) -> None:
    _, sent = start(make_auth(clock=lambda: NOW + 0.99), post())
    assert f'timestamp="{NOW}"' in sent.headers["Authorization"]


def test_caller_chosen_wechatpay_serial_is_kept(make_auth: Callable[..., WechatPayAuth]) -> None:
    request = httpx.Request("POST", URL, content=BODY, headers={"Wechatpay-Serial": "5157F09EFDC096DE15EBE81A47057A72"})
    _, sent = start(make_auth(), request)
    assert sent.headers.get_list("Wechatpay-Serial") == ["5157F09EFDC096DE15EBE81A47057A72"]


def test_no_wechatpay_serial_without_a_public_key_id(
    make_auth: Callable[..., WechatPayAuth],
    test_rsa_key: rsa.RSAPrivateKey,
    certificate_factory: Callable[[rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, int], x509.Certificate],
) -> None:
    certificate = certificate_factory(test_rsa_key, 0x5157F09EFDC096DE15EBE81A47057A7232D1B8E1)
    auth = make_auth(wechatpay_public_keys={"5157F09EFDC096DE15EBE81A47057A7232D1B8E1": certificate})
    _, sent = start(auth, post())
    assert "Wechatpay-Serial" not in sent.headers


def test_first_public_key_id_is_sent_when_several(
    make_auth: Callable[..., WechatPayAuth], platform_public_pem: str, test_rsa_key: rsa.RSAPrivateKey
) -> None:
    keys = {"PUB_KEY_ID_1": test_rsa_key.public_key(), PUBLIC_KEY_ID: platform_public_pem}
    _, sent = start(make_auth(wechatpay_public_keys=keys), post())
    assert sent.headers["Wechatpay-Serial"] == "PUB_KEY_ID_1"


@pytest.mark.parametrize("bad", ["", "has space", 'quote"d', "x" * 33, "line\nbreak", "非ASCII"])
def test_nonce_source_must_give_safe_nonces(make_auth: Callable[..., WechatPayAuth], bad: str) -> None:
    with pytest.raises(ConfigurationError, match="nonce source"):
        make_auth(nonce=lambda: bad).sign_request(post())


def test_default_sources() -> None:
    nonce = default_nonce()
    assert len(nonce) == 32
    assert nonce.isascii()
    assert nonce.isalnum()
    assert default_nonce() != nonce
    assert isinstance(default_clock(), int)
    assert default_clock() > NOW


def test_default_nonce_covers_the_whole_alphabet_and_redraws_when_short() -> None:
    seen = set("".join(default_nonce() for _ in range(200)))
    assert seen == set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    # Bytes whose Base64 is all '+' leave nothing once '+' and '/' are dropped: a second draw must follow.
    draws = iter([b"\xfb\xef\xbe" * 12, bytes(range(36))])
    nonce = default_nonce(lambda size: next(draws))
    assert len(nonce) == 32
    assert nonce.isalnum()


# --- verification: the happy paths -------------------------------------------------------------------------------


def test_signed_204_is_verified_and_recorded(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    flow, sent = start(make_auth(), post())
    response = answer(sent, platform_key)
    finish(flow, response)
    assert verification_of(response) == Verification(
        verified=True, serial=PUBLIC_KEY_ID, timestamp=NOW, nonce=ANSWER_NONCE, request_id=REQUEST_ID
    )
    assert response.extensions["wechatpay_verification"] is verification_of(response)


def test_peer_vector_v01_passes_the_flow(
    make_auth: Callable[..., WechatPayAuth], vectors: dict[str, Any], platform_key: rsa.RSAPrivateKey
) -> None:
    given = next(c for c in vectors["cases"] if c["id"] == "V01_204_empty_body")["input"]
    flow, sent = start(make_auth(), post())
    response = answer(
        sent, platform_key, timestamp=given["timestamp"], nonce=given["nonce"], signature=given["signature"]
    )
    finish(flow, response)
    assert verification_of(response) is not None


def test_peer_vector_v02_json_body_passes(
    make_auth: Callable[..., WechatPayAuth], vectors: dict[str, Any], platform_key: rsa.RSAPrivateKey
) -> None:
    given = next(c for c in vectors["cases"] if c["id"] == "V02_200_json_chinese")["input"]
    flow, sent = start(make_auth(), post())
    response = answer(
        sent,
        platform_key,
        status=200,
        body=given["body"].encode("utf-8"),
        timestamp=given["timestamp"],
        nonce=given["nonce"],
        signature=given["signature"],
    )
    finish(flow, response)


def test_response_within_300_seconds_passes(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    for delta in (-300, 300):
        flow, sent = start(make_auth(), post())
        finish(flow, answer(sent, platform_key, timestamp=str(NOW + delta)))


def test_unsigned_error_is_let_through_unverified(make_auth: Callable[..., WechatPayAuth]) -> None:
    flow, sent = start(make_auth(), post())
    response = httpx.Response(502, html="<html>Bad Gateway</html>", request=sent)
    finish(flow, response)
    assert verification_of(response) == Verification(verified=False)


def test_signed_error_is_verified(make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey) -> None:
    body = '{"code":"ORDER_DONE","message":"订单已完结"}'.encode()
    flow, sent = start(make_auth(), post())
    response = answer(sent, platform_key, status=400, body=body)
    finish(flow, response)
    verification = verification_of(response)
    assert verification is not None
    assert verification.verified


def test_answer_signed_with_a_platform_certificate(
    make_auth: Callable[..., WechatPayAuth],
    platform_public_pem: str,
    test_rsa_key: rsa.RSAPrivateKey,
    certificate_factory: Callable[[rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, int], x509.Certificate],
) -> None:
    # During a migration both WeChat Pay keys are configured; an answer under either serial verifies.
    serial = "5157F09EFDC096DE15EBE81A47057A7232D1B8E1"
    keys = {PUBLIC_KEY_ID: platform_public_pem, serial: certificate_factory(test_rsa_key, int(serial, 16))}
    flow, sent = start(make_auth(wechatpay_public_keys=keys), post())
    response = answer(sent, test_rsa_key, serial=serial)
    finish(flow, response)
    verification = verification_of(response)
    assert verification is not None
    assert verification.serial == serial


def test_verify_response_uses_the_response_request(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    auth = make_auth()
    request = post()
    auth.sign_request(request)
    verification = auth.verify_response(answer(request, platform_key))
    assert verification.verified


def test_verification_of_an_unchecked_response_is_none() -> None:
    assert verification_of(httpx.Response(204)) is None


def test_response_verification_uses_the_injected_clock(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    ticks = iter([NOW, NOW + 1000])
    flow, sent = start(make_auth(clock=lambda: next(ticks)), post())
    with pytest.raises(ClockSkewError):
        flow.send(answer(sent, platform_key, timestamp=str(NOW)))


# --- verification: each failure ---------------------------------------------------------------------------------


def failing(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey, **kwargs: Any
) -> ResponseVerificationError:
    flow, sent = start(make_auth(), post())
    response = answer(sent, platform_key, **kwargs)
    with pytest.raises(ResponseVerificationError) as caught:
        flow.send(response)
    assert caught.value.request is sent
    assert caught.value.response is response
    return caught.value


@pytest.mark.parametrize(
    "header", ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial"]
)
def test_missing_header(make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey, header: str) -> None:
    error = failing(make_auth, platform_key, drop=(header,))
    assert type(error) is MissingSignatureHeadersError
    assert header in str(error)
    assert REQUEST_ID in str(error)


def test_all_headers_missing_on_a_2xx(make_auth: Callable[..., WechatPayAuth]) -> None:
    flow, sent = start(make_auth(), post())
    response = httpx.Response(204, request=sent)
    with pytest.raises(MissingSignatureHeadersError, match="Wechatpay-Timestamp, Wechatpay-Nonce") as caught:
        flow.send(response)
    assert caught.value.request_id is None
    assert "Request-ID: absent" in str(caught.value)
    assert verification_of(response) is None


def test_empty_header_counts_as_missing(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    error = failing(make_auth, platform_key, signature="")
    assert type(error) is MissingSignatureHeadersError


def test_partly_signed_error_is_checked(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    error = failing(make_auth, platform_key, status=500, body=b"{}", drop=("Wechatpay-Signature",))
    assert type(error) is MissingSignatureHeadersError


def test_timestamp_that_is_not_unix_seconds(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    error = failing(make_auth, platform_key, timestamp="2023-11-14T22:13:20Z")
    assert type(error) is MissingSignatureHeadersError
    assert "not Unix seconds" in str(error)
    assert error.timestamp is None


@pytest.mark.parametrize(("delta", "direction"), [(-301, "behind"), (301, "ahead of")])
def test_clock_skew(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey, delta: int, direction: str
) -> None:
    error = failing(make_auth, platform_key, timestamp=str(NOW + delta))
    assert isinstance(error, ClockSkewError)
    assert error.skew == delta
    assert error.timestamp == NOW + delta
    assert f"301 s {direction} local time" in str(error)


def test_unknown_serial(make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey) -> None:
    error = failing(make_auth, platform_key, serial="PUB_KEY_ID_0119000001002099999999999999")
    assert isinstance(error, UnknownSerialError)
    assert error.serial == "PUB_KEY_ID_0119000001002099999999999999"
    assert error.known_serials == (PUBLIC_KEY_ID,)
    assert PUBLIC_KEY_ID in str(error)


def test_bad_signature(make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey) -> None:
    error = failing(make_auth, platform_key, signed_message=b"something else\n")
    assert type(error) is InvalidSignatureError
    assert "query the order" in str(error)
    assert (error.timestamp, error.nonce, error.serial, error.request_id) == (
        NOW,
        ANSWER_NONCE,
        PUBLIC_KEY_ID,
        REQUEST_ID,
    )


def test_signed_by_the_wrong_key(make_auth: Callable[..., WechatPayAuth], test_rsa_key: rsa.RSAPrivateKey) -> None:
    assert type(failing(make_auth, test_rsa_key)) is InvalidSignatureError


def test_v06_signature_without_the_empty_body_line(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey, vectors: dict[str, Any]
) -> None:
    given = next(c for c in vectors["cases"] if c["id"] == "V06_empty_body_without_last_lf")["input"]
    error = failing(
        make_auth, platform_key, timestamp=given["timestamp"], nonce=given["nonce"], signature=given["signature"]
    )
    assert type(error) is InvalidSignatureError


def test_v03_signature_over_another_nonce(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey, vectors: dict[str, Any]
) -> None:
    given = next(c for c in vectors["cases"] if c["id"] == "V03_nonce_tampered")["input"]
    error = failing(
        make_auth, platform_key, timestamp=given["timestamp"], nonce=given["nonce"], signature=given["signature"]
    )
    assert type(error) is InvalidSignatureError


def test_v04_tampered_body(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey, vectors: dict[str, Any]
) -> None:
    given = next(c for c in vectors["cases"] if c["id"] == "V04_body_tampered")["input"]
    error = failing(
        make_auth,
        platform_key,
        status=400,
        body=given["body"].encode("utf-8"),
        timestamp=given["timestamp"],
        nonce=given["nonce"],
        signature=given["signature"],
    )
    assert type(error) is InvalidSignatureError


def test_forged_error_answer(make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey) -> None:
    error = failing(make_auth, platform_key, status=400, body=b'{"code":"ORDER_DONE"}', signed_message=b"x")
    assert type(error) is InvalidSignatureError


@pytest.mark.parametrize("probe", ["WECHATPAY/SIGNTEST/", "WECHATPAY/SIGNTEST/dGVzdA==", "WECHATPAY/SIGNTEST/!!"])
def test_probe_signature(make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey, probe: str) -> None:
    error = failing(make_auth, platform_key, signature=probe)
    assert isinstance(error, ProbeSignatureError)
    assert isinstance(error, InvalidSignatureError)
    assert "may already have taken effect" in str(error)
    assert "query the order before any retry" in str(error)


def test_unsupported_signature_type(make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey) -> None:
    error = failing(make_auth, platform_key, extra={"Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3"})
    assert type(error) is InvalidSignatureError
    assert "WECHATPAY2-SM2-WITH-SM3" in str(error)


def test_error_hierarchy() -> None:
    assert issubclass(ConfigurationError, WechatPayError)
    assert issubclass(ConfigurationError, ValueError)
    for error in (MissingSignatureHeadersError, ClockSkewError, UnknownSerialError, InvalidSignatureError):
        assert issubclass(error, ResponseVerificationError)
        assert issubclass(error, WechatPayError)
    assert issubclass(ProbeSignatureError, InvalidSignatureError)


# --- through an httpx client, without a network ---------------------------------------------------------------------


def test_sync_client_with_mock_transport(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return answer(request, platform_key)

    with httpx.Client(auth=make_auth(), transport=httpx.MockTransport(handler)) as client:
        response = client.post(URL, content=BODY)
    assert response.status_code == 204
    assert verification_of(response) is not None


@pytest.mark.anyio
async def test_async_client_with_mock_transport(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return answer(request, platform_key, signed_message=b"forged")

    async with httpx.AsyncClient(auth=make_auth(), transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(InvalidSignatureError):
            await client.post(URL, content=BODY)
