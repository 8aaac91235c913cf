"""A call either succeeds verifiably or fails with a typed, actionable error — through the generated client, over a
real loopback socket, against the emulator."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from wechatpay_auth import (
    ClockSkewError,
    InvalidSignatureError,
    MissingSignatureHeadersError,
    ProbeSignatureError,
    UnknownSerialError,
    verification_of,
)
from wechatpay_emulator import Emulator, Fault, Order, demo
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import ErrorResponse
from wechatpay_payscore_client import (
    AlreadySyncedError,
    APIConnectionError,
    APITimeoutError,
    OrderAlreadyDoneError,
    OrderNotFoundError,
    OrderStateError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitedError,
    RetryPolicy,
    ServerError,
    SignatureRejectedError,
    UnverifiedResponseError,
    WechatPayAPIError,
    WechatPayClient,
    WechatPayError,
)

from .conftest import SEED, ClientFactory, seed_body


def sync(client: WechatPayClient, out_order_no: str = SEED.out_order_no, **changes: Any) -> Any:
    return sync_service_order.sync_detailed(out_order_no, client=client, body=seed_body(**changes))


def test_seed_order_is_synced_with_a_verified_204(client: WechatPayClient, emulator: Emulator) -> None:
    before = emulator.order(SEED.out_order_no)
    assert (before.state, before.state_description) == ("DOING", "MCH_COMPLETE")
    response = sync(client)
    assert response.status_code == 204
    assert response.parsed is None
    assert response.headers["Wechatpay-Serial"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    assert emulator.order(SEED.out_order_no).state == "DONE"


def test_request_carries_the_headers_wechat_pay_requires(client: WechatPayClient, emulator: Emulator) -> None:
    sync(client)
    (entry,) = emulator.requests
    assert entry.header("accept") == "application/json"
    assert (entry.header("user-agent") or "").startswith("wechatpay-payscore-python/")
    assert entry.header("content-type") == "application/json"
    assert entry.header("wechatpay-serial") == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    assert (entry.header("authorization") or "").startswith("WECHATPAY2-SHA256-RSA2048 ")
    assert entry.signature_verified


def test_second_sync_is_a_signed_order_done(client: WechatPayClient) -> None:
    sync(client)
    with pytest.raises(OrderAlreadyDoneError) as caught:
        sync(client)
    error = caught.value
    assert not isinstance(error, AlreadySyncedError)
    assert (error.status_code, error.code, error.verified) == (400, "ORDER_DONE", True)
    assert error.already_done and not error.retryable
    assert error.request_id
    assert error.request_id in str(error)
    assert json.loads(error.body)["code"] == "ORDER_DONE"


def test_unknown_order(client: WechatPayClient) -> None:
    with pytest.raises(OrderNotFoundError) as caught:
        sync(client, "NO-SUCH-ORDER")
    assert caught.value.not_found
    assert caught.value.code == "ORDER_NOT_EXIST"


@pytest.mark.parametrize(
    ("state", "description", "code"),
    [
        ("REVOKED", None, "ORDER_CANCELED"),
        ("EXPIRED", None, "ORDER_CANCELED"),
        ("CREATED", None, "INVALID_ORDER_STATE"),
    ],
)
def test_order_states_that_cannot_be_synced(
    client: WechatPayClient, emulator: Emulator, state: str, description: str | None, code: str
) -> None:
    emulator.seed(
        Order(
            out_order_no="STATE-1",
            service_id=SEED.service_id,
            sub_mchid=SEED.sub_mchid,
            channel_id=SEED.channel_id,
            state=state,
            state_description=description,
        )
    )
    with pytest.raises(OrderStateError) as caught:
        sync(client, "STATE-1")
    assert caught.value.code == code


def test_ids_that_differ_from_the_order_are_no_auth_naming_the_ids(client: WechatPayClient) -> None:
    with pytest.raises(PermissionDeniedError, match="sub_mchid") as caught:
        sync(client, sub_mchid="1900000999")
    assert caught.value.code == "NO_AUTH"


def test_wrong_private_key_gets_sign_error_with_the_echo(make_client: ClientFactory) -> None:
    test_only_other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = make_client(private_key=test_only_other_key)
    with pytest.raises(SignatureRejectedError) as caught:
        sync(client)
    error = caught.value
    assert (error.status_code, error.code, error.verified) == (401, "SIGN_ERROR", True)
    info = error.sign_information
    assert info is not None
    assert info["method"] == "POST"
    assert info["url"] == f"/v3/payscore/acquiringbank/serviceorder/{SEED.out_order_no}/sync"
    assert "sign_information" not in str(error) or info["url"] in str(error)
    assert info["url"] in str(error)
    assert "serial_no" in str(error)


def test_unknown_merchant_is_no_auth(make_client: ClientFactory) -> None:
    client = make_client(mchid="1900000999")
    with pytest.raises(PermissionDeniedError) as caught:
        sync(client)
    assert caught.value.code == "NO_AUTH"


def test_certificate_mode_verifies_with_the_platform_certificate(make_client: ClientFactory) -> None:
    client = make_client(wechatpay_public_keys={demo.DEMO_PLATFORM_SERIAL: demo.demo_platform_certificate_path()})
    response = sync(client)
    assert response.status_code == 204
    assert response.headers["Wechatpay-Serial"] == demo.DEMO_PLATFORM_SERIAL


def test_migration_holds_both_keys_and_asks_for_the_public_key(make_client: ClientFactory) -> None:
    client = make_client(
        wechatpay_public_keys={
            demo.DEMO_PLATFORM_SERIAL: demo.demo_platform_certificate_path(),
            demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path(),
        }
    )
    assert sync(client).headers["Wechatpay-Serial"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID


def test_answer_signed_with_a_key_we_do_not_hold(make_client: ClientFactory, emulator: Emulator) -> None:
    # Only the platform certificate is held, but the request asks for public-key mode: the answer's serial is unknown.
    client = make_client(
        wechatpay_public_keys={demo.DEMO_PLATFORM_SERIAL: demo.demo_platform_certificate_path()},
        headers={"Wechatpay-Serial": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID},
    )
    with pytest.raises(UnverifiedResponseError) as caught:
        sync(client)
    assert isinstance(caught.value.verification_error, UnknownSerialError)
    assert emulator.order(SEED.out_order_no).state == "DONE"  # it was applied: hence "outcome unknown"


# --- faults ------------------------------------------------------------------------------------------------------


def test_rate_limited_is_retryable_with_retry_after(client: WechatPayClient, emulator: Emulator) -> None:
    emulator.inject(Fault.rate_limited(retry_after=3), times=1)
    with pytest.raises(RateLimitedError) as caught:
        sync(client)
    assert caught.value.retryable and caught.value.retry_after == 3.0
    assert caught.value.code == "FREQUENCY_LIMITED"
    assert emulator.order(SEED.out_order_no).state == "DOING"


def test_system_error_is_retryable_and_maybe_applied(client: WechatPayClient, emulator: Emulator) -> None:
    emulator.inject(Fault.system_error(), times=1)
    with pytest.raises(ServerError) as caught:
        sync(client)
    assert caught.value.retryable and caught.value.outcome_unknown
    assert (caught.value.code, caught.value.verified) == ("SYSTEM_ERROR", True)


def test_unsigned_html_502_is_typed_not_a_json_crash(client: WechatPayClient, emulator: Emulator) -> None:
    emulator.inject(Fault.html_502(), times=1)
    with pytest.raises(ServerError) as caught:
        sync(client)
    error = caught.value
    assert (error.status_code, error.code, error.verified) == (502, None, False)
    assert b"<html" in error.body.lower()
    assert "UNSIGNED" in str(error)


def test_dropped_connection_is_outcome_unknown(client: WechatPayClient, emulator: Emulator) -> None:
    emulator.inject(Fault.drop_connection(), times=1)
    with pytest.raises(OutcomeUnknownError) as caught:
        sync(client)
    assert caught.value.outcome_unknown
    assert "query the order" in str(caught.value)


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        (Fault.bad_signature(), InvalidSignatureError),
        (Fault.missing_signature(), MissingSignatureHeadersError),
        (Fault.stale_signature(), ClockSkewError),
        (Fault.probe_signature(), ProbeSignatureError),
    ],
)
def test_unverifiable_success_is_outcome_unknown(
    client: WechatPayClient, emulator: Emulator, fault: Fault, cause: type[Exception]
) -> None:
    emulator.inject(fault, times=1)
    with pytest.raises(UnverifiedResponseError) as caught:
        sync(client)
    assert isinstance(caught.value.verification_error, cause)
    assert caught.value.__cause__ is caught.value.verification_error
    assert caught.value.outcome_unknown
    assert emulator.order(SEED.out_order_no).state == "DONE"


def test_probe_message_says_to_query_before_retrying(client: WechatPayClient, emulator: Emulator) -> None:
    emulator.inject(Fault.probe_signature(), times=1)
    with pytest.raises(UnverifiedResponseError, match="query the order"):
        sync(client)


def test_lost_answer_then_manual_retry_reads_already_synced(client: WechatPayClient, emulator: Emulator) -> None:
    emulator.inject(Fault.apply_then_drop(), times=1)
    with pytest.raises(OutcomeUnknownError):
        sync(client)
    assert emulator.order(SEED.out_order_no).state == "DONE"
    with pytest.raises(AlreadySyncedError) as caught:
        sync(client)
    assert caught.value.already_done
    # Reported once: a third call is a plain ORDER_DONE.
    with pytest.raises(OrderAlreadyDoneError) as third:
        sync(client)
    assert not isinstance(third.value, AlreadySyncedError)


def test_timeout_is_honoured_and_outcome_unknown(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(timeout=0.3)
    emulator.inject(Fault.latency(3.0), times=1)
    with pytest.raises(APITimeoutError) as caught:
        sync(client)
    assert caught.value.outcome_unknown
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert emulator.wait_idle(60)
    assert emulator.order(SEED.out_order_no).state == "DONE"  # the server finished what the client gave up on


def test_unreachable_host_is_nothing_sent(make_client: ClientFactory) -> None:
    client = make_client(base_url="http://127.0.0.1:9")  # discard port: nothing listens there
    with pytest.raises(APIConnectionError) as caught:
        sync(client)
    assert not caught.value.outcome_unknown


# --- retries -----------------------------------------------------------------------------------------------------


def fast_retries(**kwargs: Any) -> RetryPolicy:
    return RetryPolicy(backoff_initial=0.001, backoff_max=0.002, **kwargs)


def test_retries_are_counted_and_each_attempt_freshly_signed(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(retry=fast_retries(max_attempts=3))
    emulator.inject(Fault.system_error(), times=1)
    emulator.inject(Fault.rate_limited(retry_after=0), times=1)
    response = sync(client)
    assert response.status_code == 204
    attempts = emulator.requests
    assert len(attempts) == 3
    authorizations = [entry.header("authorization") for entry in attempts]
    assert len(set(authorizations)) == 3
    # Faults answer before the emulator checks signatures; the attempt that got through was verified.
    assert attempts[-1].signature_verified


def test_retry_after_an_applied_500_reports_already_synced(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(retry=fast_retries(max_attempts=3))
    emulator.inject(Fault.apply_then_500(), times=1)
    with pytest.raises(AlreadySyncedError) as caught:
        sync(client)
    assert [a.outcome for a in caught.value.attempts] == ["unknown", "answered"]
    assert "earlier attempt" in str(caught.value)


def test_retry_after_a_dropped_applied_attempt_reports_already_synced(
    make_client: ClientFactory, emulator: Emulator
) -> None:
    client = make_client(retry=fast_retries(max_attempts=2))
    emulator.inject(Fault.apply_then_drop(), times=1)
    with pytest.raises(AlreadySyncedError):
        sync(client)
    assert len(emulator.requests) == 2


def test_retries_give_up_with_the_last_typed_error(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(retry=fast_retries(max_attempts=2))
    emulator.inject(Fault.system_error(), times=5)
    with pytest.raises(ServerError) as caught:
        sync(client)
    assert len(caught.value.attempts) == 2
    assert len(emulator.requests) == 2


def test_4xx_is_not_retried(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(retry=fast_retries(max_attempts=3))
    with pytest.raises(OrderNotFoundError):
        sync(client, "NO-SUCH-ORDER")
    assert len(emulator.requests) == 1


# --- keeping the generated Response ------------------------------------------------------------------------------


def test_switch_keeps_generated_error_responses(make_client: ClientFactory) -> None:
    client = make_client(raise_on_api_error=False)
    assert sync(client).status_code == 204
    response = sync(client)
    assert response.status_code == 400
    assert isinstance(response.parsed, ErrorResponse)
    assert response.parsed.code == "ORDER_DONE"


def test_switch_still_raises_for_what_the_generated_parser_cannot_read(
    make_client: ClientFactory, emulator: Emulator
) -> None:
    client = make_client(raise_on_api_error=False)
    emulator.inject(Fault.html_502(), times=1)
    with pytest.raises(ServerError):
        sync(client)


# --- async -------------------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_sync_then_order_done(client: WechatPayClient, emulator: Emulator) -> None:
    async with client:
        response = await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
        assert response.status_code == 204
        with pytest.raises(OrderAlreadyDoneError):
            await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
    assert emulator.order(SEED.out_order_no).state == "DONE"


@pytest.mark.anyio
async def test_async_faults_are_typed_the_same(client: WechatPayClient, emulator: Emulator) -> None:
    emulator.inject(Fault.probe_signature(), times=1)
    async with client:
        with pytest.raises(UnverifiedResponseError):
            await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())


def test_verification_is_recorded_on_the_httpx_response(client: WechatPayClient) -> None:
    http = client.get_httpx_client()
    response = http.post(
        f"/v3/payscore/acquiringbank/serviceorder/{SEED.out_order_no}/sync",
        json=seed_body().to_dict(),
    )
    verification = verification_of(response)
    assert verification is not None
    assert verification.verified
    assert verification.serial == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID


def test_every_error_is_a_wechatpay_error() -> None:
    for cls in (
        AlreadySyncedError,
        APIConnectionError,
        OutcomeUnknownError,
        WechatPayAPIError,
        UnverifiedResponseError,
    ):
        assert issubclass(cls, WechatPayError)
