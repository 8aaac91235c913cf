from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.sync_service_order_request import SyncServiceOrderRequest
from ...types import Response


def _get_kwargs(
    out_order_no: str,
    *,
    body: SyncServiceOrderRequest,
) -> dict[str, Any]:
    errors.check_argument("out_order_no", out_order_no, (str,))
    errors.check_argument("body", body, (SyncServiceOrderRequest,))
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/sync".format(
            out_order_no=quote(str(out_order_no), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    errors.check_json_body(_kwargs["json"])
    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorResponse | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    out_order_no: str,
    *,
    client: AuthenticatedClient | Client,
    body: SyncServiceOrderRequest,
) -> Response[Any | ErrorResponse]:
    """Sync a Pay Score service order paid through another channel (从业机构同步微信支付分订单信息)

     Tells WeChat Pay Score that the user paid a service order through another channel, which completes
    it.

    **Precondition.** The order is in state `DOING` with `state_description` `MCH_COMPLETE` (商户完结). The
    call moves it to `DONE` and is answered `204 No Content`. While a registered deduction (登记扣款) is
    still effective, the sync is refused until it lapses (24 hours) or is closed.

    **The 204 has no body but is signed.** Verify the `Wechatpay-Signature` over the message
    `TIMESTAMP\\nNONCE\\n\\n` (the empty body line is kept). Never parse the body of a 204 as JSON; it
    may carry `Content-Type: application/json` with `Content-Length: 0`.

    **Unknown outcome.** This call changes state. When its outcome is unknown — a timeout after the
    request was sent, a dropped connection, or an answer whose signature is a `WECHATPAY/SIGNTEST/`
    probe — the order may already be `DONE`: query the order (`GET
    /v3/payscore/acquiringbank/serviceorder`) before retrying. A retry with the same parameters after a
    successful sync is answered `400 ORDER_DONE`.

    Args:
        out_order_no (str):
        body (SyncServiceOrderRequest): What the acquiring institution tells WeChat Pay Score
            about the service order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    try:
        kwargs = _get_kwargs(
            out_order_no=out_order_no,
            body=body,
        )
    except (TypeError, ValueError, AttributeError, UnicodeError) as exc:
        error = client.invalid_argument(exc)
        if error is exc:
            raise
        raise error from exc

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    out_order_no: str,
    *,
    client: AuthenticatedClient | Client,
    body: SyncServiceOrderRequest,
) -> Any | ErrorResponse | None:
    """Sync a Pay Score service order paid through another channel (从业机构同步微信支付分订单信息)

     Tells WeChat Pay Score that the user paid a service order through another channel, which completes
    it.

    **Precondition.** The order is in state `DOING` with `state_description` `MCH_COMPLETE` (商户完结). The
    call moves it to `DONE` and is answered `204 No Content`. While a registered deduction (登记扣款) is
    still effective, the sync is refused until it lapses (24 hours) or is closed.

    **The 204 has no body but is signed.** Verify the `Wechatpay-Signature` over the message
    `TIMESTAMP\\nNONCE\\n\\n` (the empty body line is kept). Never parse the body of a 204 as JSON; it
    may carry `Content-Type: application/json` with `Content-Length: 0`.

    **Unknown outcome.** This call changes state. When its outcome is unknown — a timeout after the
    request was sent, a dropped connection, or an answer whose signature is a `WECHATPAY/SIGNTEST/`
    probe — the order may already be `DONE`: query the order (`GET
    /v3/payscore/acquiringbank/serviceorder`) before retrying. A retry with the same parameters after a
    successful sync is answered `400 ORDER_DONE`.

    Args:
        out_order_no (str):
        body (SyncServiceOrderRequest): What the acquiring institution tells WeChat Pay Score
            about the service order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return sync_detailed(
        out_order_no=out_order_no,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    out_order_no: str,
    *,
    client: AuthenticatedClient | Client,
    body: SyncServiceOrderRequest,
) -> Response[Any | ErrorResponse]:
    """Sync a Pay Score service order paid through another channel (从业机构同步微信支付分订单信息)

     Tells WeChat Pay Score that the user paid a service order through another channel, which completes
    it.

    **Precondition.** The order is in state `DOING` with `state_description` `MCH_COMPLETE` (商户完结). The
    call moves it to `DONE` and is answered `204 No Content`. While a registered deduction (登记扣款) is
    still effective, the sync is refused until it lapses (24 hours) or is closed.

    **The 204 has no body but is signed.** Verify the `Wechatpay-Signature` over the message
    `TIMESTAMP\\nNONCE\\n\\n` (the empty body line is kept). Never parse the body of a 204 as JSON; it
    may carry `Content-Type: application/json` with `Content-Length: 0`.

    **Unknown outcome.** This call changes state. When its outcome is unknown — a timeout after the
    request was sent, a dropped connection, or an answer whose signature is a `WECHATPAY/SIGNTEST/`
    probe — the order may already be `DONE`: query the order (`GET
    /v3/payscore/acquiringbank/serviceorder`) before retrying. A retry with the same parameters after a
    successful sync is answered `400 ORDER_DONE`.

    Args:
        out_order_no (str):
        body (SyncServiceOrderRequest): What the acquiring institution tells WeChat Pay Score
            about the service order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    try:
        kwargs = _get_kwargs(
            out_order_no=out_order_no,
            body=body,
        )
    except (TypeError, ValueError, AttributeError, UnicodeError) as exc:
        error = client.invalid_argument(exc)
        if error is exc:
            raise
        raise error from exc

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    out_order_no: str,
    *,
    client: AuthenticatedClient | Client,
    body: SyncServiceOrderRequest,
) -> Any | ErrorResponse | None:
    """Sync a Pay Score service order paid through another channel (从业机构同步微信支付分订单信息)

     Tells WeChat Pay Score that the user paid a service order through another channel, which completes
    it.

    **Precondition.** The order is in state `DOING` with `state_description` `MCH_COMPLETE` (商户完结). The
    call moves it to `DONE` and is answered `204 No Content`. While a registered deduction (登记扣款) is
    still effective, the sync is refused until it lapses (24 hours) or is closed.

    **The 204 has no body but is signed.** Verify the `Wechatpay-Signature` over the message
    `TIMESTAMP\\nNONCE\\n\\n` (the empty body line is kept). Never parse the body of a 204 as JSON; it
    may carry `Content-Type: application/json` with `Content-Length: 0`.

    **Unknown outcome.** This call changes state. When its outcome is unknown — a timeout after the
    request was sent, a dropped connection, or an answer whose signature is a `WECHATPAY/SIGNTEST/`
    probe — the order may already be `DONE`: query the order (`GET
    /v3/payscore/acquiringbank/serviceorder`) before retrying. A retry with the same parameters after a
    successful sync is answered `400 ORDER_DONE`.

    Args:
        out_order_no (str):
        body (SyncServiceOrderRequest): What the acquiring institution tells WeChat Pay Score
            about the service order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return (
        await asyncio_detailed(
            out_order_no=out_order_no,
            client=client,
            body=body,
        )
    ).parsed
