from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.modify_service_order_request import ModifyServiceOrderRequest
from ...types import Response


def _get_kwargs(
    out_order_no: str,
    *,
    body: ModifyServiceOrderRequest,
) -> dict[str, Any]:
    errors.check_argument("out_order_no", out_order_no, (str,))
    errors.check_argument("body", body, (ModifyServiceOrderRequest,))
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/modify".format(
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
    body: ModifyServiceOrderRequest,
) -> Response[Any | ErrorResponse]:
    """Lower the amount of a completed service order (从业机构修改订单金额)

     Lowers what a completed order (`DOING` / `MCH_COMPLETE`) costs; the charges and discounts replace
    the complete's. Answered `204 No Content`.

    **Rules** (`x-rules`): the same amount rule as complete; and the new `total_amount` may not exceed
    the amount the order has now ("不能超过完结订单时候的总金额": not above, so a repeat of an applied modify is
    accepted). Blocked while a registered deduction is effective (`INVALID_ORDER_STATE`). `channel_id`
    and `post_payments` are required (official pages; the maintained descriptions make them optional).

    **Unknown outcome.** Not declared re-entrant: query the order; this request's `total_amount` on a
    `MCH_COMPLETE` order means it was applied.

    Args:
        out_order_no (str):
        body (ModifyServiceOrderRequest): The lowered amount and why. The rules are the
            operation's `x-rules`.

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
    body: ModifyServiceOrderRequest,
) -> Any | ErrorResponse | None:
    """Lower the amount of a completed service order (从业机构修改订单金额)

     Lowers what a completed order (`DOING` / `MCH_COMPLETE`) costs; the charges and discounts replace
    the complete's. Answered `204 No Content`.

    **Rules** (`x-rules`): the same amount rule as complete; and the new `total_amount` may not exceed
    the amount the order has now ("不能超过完结订单时候的总金额": not above, so a repeat of an applied modify is
    accepted). Blocked while a registered deduction is effective (`INVALID_ORDER_STATE`). `channel_id`
    and `post_payments` are required (official pages; the maintained descriptions make them optional).

    **Unknown outcome.** Not declared re-entrant: query the order; this request's `total_amount` on a
    `MCH_COMPLETE` order means it was applied.

    Args:
        out_order_no (str):
        body (ModifyServiceOrderRequest): The lowered amount and why. The rules are the
            operation's `x-rules`.

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
    body: ModifyServiceOrderRequest,
) -> Response[Any | ErrorResponse]:
    """Lower the amount of a completed service order (从业机构修改订单金额)

     Lowers what a completed order (`DOING` / `MCH_COMPLETE`) costs; the charges and discounts replace
    the complete's. Answered `204 No Content`.

    **Rules** (`x-rules`): the same amount rule as complete; and the new `total_amount` may not exceed
    the amount the order has now ("不能超过完结订单时候的总金额": not above, so a repeat of an applied modify is
    accepted). Blocked while a registered deduction is effective (`INVALID_ORDER_STATE`). `channel_id`
    and `post_payments` are required (official pages; the maintained descriptions make them optional).

    **Unknown outcome.** Not declared re-entrant: query the order; this request's `total_amount` on a
    `MCH_COMPLETE` order means it was applied.

    Args:
        out_order_no (str):
        body (ModifyServiceOrderRequest): The lowered amount and why. The rules are the
            operation's `x-rules`.

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
    body: ModifyServiceOrderRequest,
) -> Any | ErrorResponse | None:
    """Lower the amount of a completed service order (从业机构修改订单金额)

     Lowers what a completed order (`DOING` / `MCH_COMPLETE`) costs; the charges and discounts replace
    the complete's. Answered `204 No Content`.

    **Rules** (`x-rules`): the same amount rule as complete; and the new `total_amount` may not exceed
    the amount the order has now ("不能超过完结订单时候的总金额": not above, so a repeat of an applied modify is
    accepted). Blocked while a registered deduction is effective (`INVALID_ORDER_STATE`). `channel_id`
    and `post_payments` are required (official pages; the maintained descriptions make them optional).

    **Unknown outcome.** Not declared re-entrant: query the order; this request's `total_amount` on a
    `MCH_COMPLETE` order means it was applied.

    Args:
        out_order_no (str):
        body (ModifyServiceOrderRequest): The lowered amount and why. The rules are the
            operation's `x-rules`.

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
