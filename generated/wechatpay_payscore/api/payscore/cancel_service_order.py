from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cancel_service_order_request import CancelServiceOrderRequest
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    out_order_no: str,
    *,
    body: CancelServiceOrderRequest,
) -> dict[str, Any]:
    errors.check_argument("out_order_no", out_order_no, (str,))
    errors.check_argument("body", body, (CancelServiceOrderRequest,))
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/cancel".format(
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
    body: CancelServiceOrderRequest,
) -> Response[Any | ErrorResponse]:
    """Cancel a Pay Score service order (从业机构取消支付分订单)

     Cancels an order that is `CREATED`, `DOING` / `USER_CONFIRM` or `DOING` / `MCH_COMPLETE` (awaiting
    payment); it becomes `REVOKED`, and the user is told the `reason`. Answered `204 No Content`.

    **Refusals.** `ORDER_DONE` (already paid), `ORDER_CANCELED` (already revoked, or expired: either way
    the order will not be charged, so for a cancel it means "already there"; a cancel with another
    `reason` of an order revoked by an earlier cancel is `INVALID_REQUEST`, the same number with other
    parameters), `INVALID_ORDER_STATE` while a registered deduction (扣款单) is effective: it blocks the
    cancel for up to 24 hours, until it lapses or is closed at the clearing house (UnionPay /
    NetsUnion).

    **Re-entry (原参重入).** The same parameters, the `reason` included, may be sent again: a repeat of an
    applied cancel succeeds again. An unknown outcome is settled by re-sending the identical body.
    `service_id` is optional (选填) on the official page and required by the maintained descriptions:
    required here, since the order belongs to a service and its absence risks `403 NO_AUTH`.

    Args:
        out_order_no (str):
        body (CancelServiceOrderRequest): Which order to cancel, and why.

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
    body: CancelServiceOrderRequest,
) -> Any | ErrorResponse | None:
    """Cancel a Pay Score service order (从业机构取消支付分订单)

     Cancels an order that is `CREATED`, `DOING` / `USER_CONFIRM` or `DOING` / `MCH_COMPLETE` (awaiting
    payment); it becomes `REVOKED`, and the user is told the `reason`. Answered `204 No Content`.

    **Refusals.** `ORDER_DONE` (already paid), `ORDER_CANCELED` (already revoked, or expired: either way
    the order will not be charged, so for a cancel it means "already there"; a cancel with another
    `reason` of an order revoked by an earlier cancel is `INVALID_REQUEST`, the same number with other
    parameters), `INVALID_ORDER_STATE` while a registered deduction (扣款单) is effective: it blocks the
    cancel for up to 24 hours, until it lapses or is closed at the clearing house (UnionPay /
    NetsUnion).

    **Re-entry (原参重入).** The same parameters, the `reason` included, may be sent again: a repeat of an
    applied cancel succeeds again. An unknown outcome is settled by re-sending the identical body.
    `service_id` is optional (选填) on the official page and required by the maintained descriptions:
    required here, since the order belongs to a service and its absence risks `403 NO_AUTH`.

    Args:
        out_order_no (str):
        body (CancelServiceOrderRequest): Which order to cancel, and why.

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
    body: CancelServiceOrderRequest,
) -> Response[Any | ErrorResponse]:
    """Cancel a Pay Score service order (从业机构取消支付分订单)

     Cancels an order that is `CREATED`, `DOING` / `USER_CONFIRM` or `DOING` / `MCH_COMPLETE` (awaiting
    payment); it becomes `REVOKED`, and the user is told the `reason`. Answered `204 No Content`.

    **Refusals.** `ORDER_DONE` (already paid), `ORDER_CANCELED` (already revoked, or expired: either way
    the order will not be charged, so for a cancel it means "already there"; a cancel with another
    `reason` of an order revoked by an earlier cancel is `INVALID_REQUEST`, the same number with other
    parameters), `INVALID_ORDER_STATE` while a registered deduction (扣款单) is effective: it blocks the
    cancel for up to 24 hours, until it lapses or is closed at the clearing house (UnionPay /
    NetsUnion).

    **Re-entry (原参重入).** The same parameters, the `reason` included, may be sent again: a repeat of an
    applied cancel succeeds again. An unknown outcome is settled by re-sending the identical body.
    `service_id` is optional (选填) on the official page and required by the maintained descriptions:
    required here, since the order belongs to a service and its absence risks `403 NO_AUTH`.

    Args:
        out_order_no (str):
        body (CancelServiceOrderRequest): Which order to cancel, and why.

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
    body: CancelServiceOrderRequest,
) -> Any | ErrorResponse | None:
    """Cancel a Pay Score service order (从业机构取消支付分订单)

     Cancels an order that is `CREATED`, `DOING` / `USER_CONFIRM` or `DOING` / `MCH_COMPLETE` (awaiting
    payment); it becomes `REVOKED`, and the user is told the `reason`. Answered `204 No Content`.

    **Refusals.** `ORDER_DONE` (already paid), `ORDER_CANCELED` (already revoked, or expired: either way
    the order will not be charged, so for a cancel it means "already there"; a cancel with another
    `reason` of an order revoked by an earlier cancel is `INVALID_REQUEST`, the same number with other
    parameters), `INVALID_ORDER_STATE` while a registered deduction (扣款单) is effective: it blocks the
    cancel for up to 24 hours, until it lapses or is closed at the clearing house (UnionPay /
    NetsUnion).

    **Re-entry (原参重入).** The same parameters, the `reason` included, may be sent again: a repeat of an
    applied cancel succeeds again. An unknown outcome is settled by re-sending the identical body.
    `service_id` is optional (选填) on the official page and required by the maintained descriptions:
    required here, since the order belongs to a service and its absence risks `403 NO_AUTH`.

    Args:
        out_order_no (str):
        body (CancelServiceOrderRequest): Which order to cancel, and why.

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
