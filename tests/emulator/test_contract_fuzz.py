"""Schemathesis runs the contract against the emulator: every answer conforms to the spec, no 5xx.

Each generated request (positive and negative data) is sent through httpx and signed by `Signer` over the exact
bytes httpx puts on the wire (unless the case left `Authorization` out on purpose), so that generated cases get
past the signature check and reach validation and the state machine; schemathesis then validates each answer.
Bounded: at most 50 examples per phase, no deadline.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from wechatpay_emulator import Emulator

from tests.emulator.support import Clock, Signer, compact, verify_response

_CONTRACT = resources.files("wechatpay_emulator").joinpath("contract", "payscore-acquiringbank.yaml")
schema = schemathesis.openapi.from_path(str(_CONTRACT))
_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _request(case: Any, base_url: str) -> httpx.Request:
    kwargs = case.as_transport_kwargs(base_url=base_url)
    headers = {key: value for key, value in kwargs["headers"].items() if key.lower() != "authorization"}
    if "json" in kwargs:
        content: bytes | None = compact(kwargs["json"])
    else:
        data = kwargs.get("data")
        content = data.encode() if isinstance(data, str) else data
    return httpx.Request(kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=headers, content=content)


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_answer_conforms_to_the_contract(
    case: Any, served: tuple[Emulator, str], clock: Clock, client: httpx.Client
) -> None:
    _, base_url = served
    try:
        request = _request(case, base_url)
    except (UnicodeEncodeError, httpx.InvalidURL) as exc:
        pytest.skip(f"httpx cannot send this generated case: {exc}")
    # A case generated without `Authorization` (negative security data) goes out unsigned: the answer must be 401.
    signed = "authorization" in {name.lower() for name in (case.headers or {})}
    response = client.send(request, auth=Signer(clock) if signed else None)
    if not signed:
        assert response.status_code == 401
    assert verify_response(response, now=clock()), "every emulator answer is signed"
    case.validate_response(response, checks=_CHECKS)
