"""Published vectors, stage by stage: message → signature → header, and the response checks.

The S*/V* cases were computed by three independent SDKs and a plain cryptography reference (peer-vectors.json).
The Go case is wechatpay-go's own signer test (wechatpay-go-signer.json, which cites its source).
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from wechatpay_auth import (
    authorization_header,
    load_private_key,
    request_message,
    response_message,
    sign,
    verify,
)

SIGN_CASES = ["S01_seed_compact", "S02_seed_python_json_dumps", "S03_empty_body_post", "S04_get_query"]
SIGN_CASES += ["S05_chinese_utf8_body", "S06_chinese_escaped_body"]
VERIFY_CASES = ["V01_204_empty_body", "V02_200_json_chinese", "V03_nonce_tampered", "V04_body_tampered"]
VERIFY_CASES += ["V05_signed_by_wrong_key", "V06_empty_body_without_last_lf"]


def case(vectors: dict[str, Any], case_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in vectors["cases"] if c["id"] == case_id)
    return found


def test_every_vector_is_covered(vectors: dict[str, Any]) -> None:
    assert sorted(c["id"] for c in vectors["cases"]) == sorted(SIGN_CASES + VERIFY_CASES)


@pytest.mark.parametrize("case_id", SIGN_CASES)
def test_request_message(vectors: dict[str, Any], case_id: str) -> None:
    given = case(vectors, case_id)["input"]
    message = request_message(given["method"], given["url"], given["timestamp"], given["nonce"], given["body"])
    assert message == case(vectors, case_id)["reference"]["message"].encode("utf-8")


@pytest.mark.parametrize("case_id", SIGN_CASES)
def test_request_message_from_wire_bytes(vectors: dict[str, Any], case_id: str) -> None:
    given = case(vectors, case_id)["input"]
    message = request_message(
        given["method"].encode(), given["url"].encode(), int(given["timestamp"]), given["nonce"].encode(),
        given["body"].encode("utf-8"),
    )  # fmt: skip
    assert message == case(vectors, case_id)["reference"]["message"].encode("utf-8")


@pytest.mark.parametrize("case_id", SIGN_CASES)
def test_signature(vectors: dict[str, Any], merchant_key: rsa.RSAPrivateKey, case_id: str) -> None:
    reference = case(vectors, case_id)["reference"]
    assert sign(reference["message"].encode("utf-8"), merchant_key) == reference["signature"]


@pytest.mark.parametrize("case_id", SIGN_CASES)
def test_authorization_header(vectors: dict[str, Any], case_id: str) -> None:
    given, reference = case(vectors, case_id)["input"], case(vectors, case_id)["reference"]
    header = authorization_header(
        given["mchid"], given["serial_no"], given["timestamp"], given["nonce"], reference["signature"]
    )
    assert header == reference["authorization"]


@pytest.mark.parametrize("case_id", SIGN_CASES)
def test_signature_verifies_with_the_merchant_public_key(
    vectors: dict[str, Any], merchant_key: rsa.RSAPrivateKey, case_id: str
) -> None:
    reference = case(vectors, case_id)["reference"]
    message = reference["message"].encode("utf-8")
    assert verify(message, reference["signature"], merchant_key.public_key())


@pytest.mark.parametrize("case_id", VERIFY_CASES)
def test_response_message(vectors: dict[str, Any], case_id: str) -> None:
    given = case(vectors, case_id)["input"]
    message = response_message(given["timestamp"], given["nonce"], given["body"])
    assert message == case(vectors, case_id)["reference"]["message"].encode("utf-8")


@pytest.mark.parametrize("case_id", VERIFY_CASES)
def test_verify(vectors: dict[str, Any], platform_public_key: rsa.RSAPublicKey, case_id: str) -> None:
    given, reference = case(vectors, case_id)["input"], case(vectors, case_id)["reference"]
    message = response_message(given["timestamp"], given["nonce"], given["body"])
    assert verify(message, given["signature"], platform_public_key) is reference["accepted"]


def test_v06_signs_the_message_without_its_body_line(
    vectors: dict[str, Any], platform_public_key: rsa.RSAPublicKey
) -> None:
    # V06 is what a signer that forgot the empty body line produces: valid over "TS\nNONCE\n", not over the rule.
    given = case(vectors, "V06_empty_body_without_last_lf")["input"]
    short = f"{given['timestamp']}\n{given['nonce']}\n".encode()
    assert verify(short, given["signature"], platform_public_key)
    assert not verify(
        response_message(given["timestamp"], given["nonce"], b""), given["signature"], platform_public_key
    )


def go_private_key(go_vector: dict[str, Any]) -> rsa.RSAPrivateKey:
    # Like wechatpay-go's testingKey(): the fixture keeps the SDK's "TESTING KEY" label.
    return load_private_key(go_vector["private_key_pem"].replace("TESTING KEY", "PRIVATE KEY"))


def test_wechatpay_go_signer_vector(go_vector: dict[str, Any]) -> None:
    key = go_private_key(go_vector)
    signature = sign(go_vector["message"].encode("utf-8"), key)
    assert signature == go_vector["expected_signature"]
    assert verify(go_vector["message"].encode("utf-8"), signature, key.public_key())


def test_wechatpay_go_signer_vector_in_a_header(go_vector: dict[str, Any]) -> None:
    header = authorization_header(
        go_vector["mchid"], go_vector["serial_no"], 1700000000, "NONCE", go_vector["expected_signature"]
    )
    assert header == (
        'WECHATPAY2-SHA256-RSA2048 mchid="1234567890",nonce_str="NONCE",'
        f'signature="{go_vector["expected_signature"]}",timestamp="1700000000",serial_no="F5765756002FDD77"'
    )
