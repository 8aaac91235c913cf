"""Where the project's time goes: each layer timed alone, in process, over an in-memory transport (no network noise).

- raw sign / raw verify: `cryptography` alone, the same messages the floor signs and verifies;
- validation: `RequestValidator.validate` of the request (path + JSON body) against the contract;
- signing: `WechatPayAuth.sign_request` (nonce, message, RSA, header); its extra is what it adds to the raw sign;
- verification: `WechatPayAuth.verify_response` (the checklist); its extra is what it adds to the raw verify;
- generated code: `sync_detailed` with the plain generated `Client` minus a bare `httpx.Client.post` of the bytes;
- in-process overhead: the ready client minus the floor, both over `httpx.MockTransport` answering the signed 204;
- rest: the in-process overhead not explained by the layers above (auth-flow plumbing, the transport wrapper,
  error mapping, attempt bookkeeping).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from wechatpay_auth import WechatPayAuth
from wechatpay_payscore import Client
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore_client import load_contract
from wechatpay_payscore_client._validation import RequestValidator

from bench._contenders import FLOOR_HEADERS, Floor, ProjectSync, merchant_private_key, platform_public_key
from bench._order import OUT_ORDER_NO, PATH, body_model
from bench._server import fresh_204_headers, load_platform_key
from bench._server_process import CapturedRequest
from bench._test_keys import (
    MCHID,
    MERCHANT_PRIVATE_PEM,
    MERCHANT_SERIAL_NO,
    PLATFORM_PUBLIC_KEY_ID,
    PLATFORM_PUBLIC_PEM,
)
from bench._timing import Figure, interleaved

__all__ = ["MOCK_BASE_URL", "Split", "measure_split"]

# Never connected to (a mock transport answers); loopback, so that plain http is accepted.
MOCK_BASE_URL = "http://127.0.0.1:9"


@dataclass(frozen=True)
class Split:
    figures: dict[str, Figure]

    def cpu(self, name: str) -> float:
        return self.figures[name].cpu.median

    def _minus(self, name: str, other: str) -> float:
        return self.figures[name].cpu_minus(self.figures[other])

    def derived(self) -> dict[str, float]:
        """Microseconds of CPU per call that each layer adds beyond the floor (paired per-round differences)."""
        signing_extra = self._minus("signing", "raw_sign")
        verification_extra = self._minus("verification", "raw_verify")
        generated = self._minus("generated_call", "bare_post")
        overhead = self._minus("project_in_process", "floor_in_process")
        rest = overhead - self.cpu("validation") - signing_extra - verification_extra - generated
        return {
            "validation": self.cpu("validation"),
            "signing_extra": signing_extra,
            "verification_extra": verification_extra,
            "generated_code": generated,
            "rest": rest,
            "in_process_overhead": overhead,
        }


def _mock(headers: list[tuple[str, str]]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(204, headers=headers))


def _mock_each_once(answers: list[list[tuple[str, str]]]) -> httpx.MockTransport:
    """A transport giving out each signed answer once: the ready client refuses an answer it has seen (a replay)."""
    pending = iter(answers)
    return httpx.MockTransport(lambda request: httpx.Response(204, headers=next(pending)))


def measure_split(reference: CapturedRequest, rounds: int, calls: int, warmup: int) -> Split:
    """Time every layer; `reference` is the project's real request, as the server received it."""
    platform_key = load_platform_key()
    answer = fresh_204_headers(platform_key)
    # Signed ahead, outside every timed loop: one answer per call of each contender that refuses replays.
    needed = rounds * calls + warmup
    floor = Floor(MOCK_BASE_URL, reference, transport=_mock(answer))
    project = ProjectSync(
        MOCK_BASE_URL, transport=_mock_each_once([fresh_204_headers(platform_key) for _ in range(needed)])
    )
    plain = Client(base_url=MOCK_BASE_URL, httpx_args={"transport": _mock(answer)})
    bare = httpx.Client(base_url=MOCK_BASE_URL, transport=_mock(answer))
    headers = {name: value for name, value in reference.headers if name.title() in FLOOR_HEADERS}
    validator = RequestValidator(load_contract())
    signer = WechatPayAuth(
        mchid=MCHID,
        serial_no=MERCHANT_SERIAL_NO,
        private_key=MERCHANT_PRIVATE_PEM,
        wechatpay_public_keys={PLATFORM_PUBLIC_KEY_ID: PLATFORM_PUBLIC_PEM},
    )
    request = httpx.Request("POST", MOCK_BASE_URL + PATH, content=reference.body)
    responses = iter(
        [httpx.Response(204, headers=fresh_204_headers(platform_key), request=request) for _ in range(needed)]
    )
    answer_fields = dict(answer)
    answer_message = f"{answer_fields['Wechatpay-Timestamp']}\n{answer_fields['Wechatpay-Nonce']}\n\n".encode()
    answer_signature = base64.b64decode(answer_fields["Wechatpay-Signature"])
    private_key, public_key = merchant_private_key(), platform_public_key()
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()
    body = body_model()

    def raw_sign(n: int) -> None:
        for _ in range(n):
            base64.b64encode(private_key.sign(floor.message, pkcs1, sha256))

    def raw_verify(n: int) -> None:
        for _ in range(n):
            public_key.verify(answer_signature, answer_message, pkcs1, sha256)

    def validation(n: int) -> None:
        for _ in range(n):
            validator.validate("POST", PATH, reference.body)

    def signing(n: int) -> None:
        for _ in range(n):
            signer.sign_request(request)

    def verification(n: int) -> None:
        for _ in range(n):
            signer.verify_response(next(responses))

    def bare_post(n: int) -> None:
        for _ in range(n):
            bare.post(reference.target, content=reference.body, headers=headers)

    def generated_call(n: int) -> None:
        for _ in range(n):
            sync_service_order.sync_detailed(OUT_ORDER_NO, client=plain, body=body)

    runs = {
        "raw_sign": raw_sign,
        "raw_verify": raw_verify,
        "validation": validation,
        "signing": signing,
        "verification": verification,
        "bare_post": bare_post,
        "generated_call": generated_call,
        "floor_in_process": floor.run,
        "project_in_process": project.run,
    }
    try:
        figures = interleaved(runs, dict.fromkeys(runs, calls), rounds, warmup)
    finally:
        floor.close()
        project.close()
        bare.close()
        plain.get_httpx_client().close()
    return Split(figures)
