from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.complete_service_order_request import CompleteServiceOrderRequest
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    out_order_no: str,
    *,
    body: CompleteServiceOrderRequest,
) -> dict[str, Any]:
    errors.check_argument("out_order_no", out_order_no, (str,))
    errors.check_argument("body", body, (CompleteServiceOrderRequest,))
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/complete".format(
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
    body: CompleteServiceOrderRequest,
) -> Response[Any | ErrorResponse]:
    """Complete a Pay Score service order after the service (从业机构完结支付分订单)

     Tells WeChat Pay the service ended and what it costs: the order must be `DOING` / `USER_CONFIRM` and
    becomes `DOING` / `MCH_COMPLETE` with `collection.state` `USER_PAYING`. WeChat Pay does **not**
    collect the money in this family: the institution registers a deduction (`registerdeductinfo`) and
    collects it through the clearing house, or the user pays actively, or the payment through another
    channel is synced.

    **The amount rule** (`x-rules`): `total_amount` = Σ `post_payments[].amount` − Σ
    `post_discounts[].amount`, at least 0, and, in the deposit-first modes (先免 / 交押金), not above the
    order's `risk_fund.amount`. Discount names are unique within the order. WeChat Pay answers a wrong
    sum `400 PARAM_ERROR` (最终总金额计算非法).

    **The answer (a decision of this contract).** The maintained API descriptions answer `204 No
    Content`; one SDK types the answer as the whole order, by inheritance from another family's model.
    `204` is declared here; a `200` is not the declared success, so a client reports it as an unexpected
    answer and settles the outcome with a query. `channel_id` is required (every official page; the
    maintained descriptions make it optional).

    **Unknown outcome.** Complete is not declared re-entrant: after a lost answer, query the order.
    `DOING` / `MCH_COMPLETE` (or later) with this request's `total_amount` means it was applied; still
    `USER_CONFIRM` means it was not and the same body may be sent again.

    Args:
        out_order_no (str):
        body (CompleteServiceOrderRequest): What the service cost. The amount rule is the
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
    body: CompleteServiceOrderRequest,
) -> Any | ErrorResponse | None:
    """Complete a Pay Score service order after the service (从业机构完结支付分订单)

     Tells WeChat Pay the service ended and what it costs: the order must be `DOING` / `USER_CONFIRM` and
    becomes `DOING` / `MCH_COMPLETE` with `collection.state` `USER_PAYING`. WeChat Pay does **not**
    collect the money in this family: the institution registers a deduction (`registerdeductinfo`) and
    collects it through the clearing house, or the user pays actively, or the payment through another
    channel is synced.

    **The amount rule** (`x-rules`): `total_amount` = Σ `post_payments[].amount` − Σ
    `post_discounts[].amount`, at least 0, and, in the deposit-first modes (先免 / 交押金), not above the
    order's `risk_fund.amount`. Discount names are unique within the order. WeChat Pay answers a wrong
    sum `400 PARAM_ERROR` (最终总金额计算非法).

    **The answer (a decision of this contract).** The maintained API descriptions answer `204 No
    Content`; one SDK types the answer as the whole order, by inheritance from another family's model.
    `204` is declared here; a `200` is not the declared success, so a client reports it as an unexpected
    answer and settles the outcome with a query. `channel_id` is required (every official page; the
    maintained descriptions make it optional).

    **Unknown outcome.** Complete is not declared re-entrant: after a lost answer, query the order.
    `DOING` / `MCH_COMPLETE` (or later) with this request's `total_amount` means it was applied; still
    `USER_CONFIRM` means it was not and the same body may be sent again.

    Args:
        out_order_no (str):
        body (CompleteServiceOrderRequest): What the service cost. The amount rule is the
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
    body: CompleteServiceOrderRequest,
) -> Response[Any | ErrorResponse]:
    """Complete a Pay Score service order after the service (从业机构完结支付分订单)

     Tells WeChat Pay the service ended and what it costs: the order must be `DOING` / `USER_CONFIRM` and
    becomes `DOING` / `MCH_COMPLETE` with `collection.state` `USER_PAYING`. WeChat Pay does **not**
    collect the money in this family: the institution registers a deduction (`registerdeductinfo`) and
    collects it through the clearing house, or the user pays actively, or the payment through another
    channel is synced.

    **The amount rule** (`x-rules`): `total_amount` = Σ `post_payments[].amount` − Σ
    `post_discounts[].amount`, at least 0, and, in the deposit-first modes (先免 / 交押金), not above the
    order's `risk_fund.amount`. Discount names are unique within the order. WeChat Pay answers a wrong
    sum `400 PARAM_ERROR` (最终总金额计算非法).

    **The answer (a decision of this contract).** The maintained API descriptions answer `204 No
    Content`; one SDK types the answer as the whole order, by inheritance from another family's model.
    `204` is declared here; a `200` is not the declared success, so a client reports it as an unexpected
    answer and settles the outcome with a query. `channel_id` is required (every official page; the
    maintained descriptions make it optional).

    **Unknown outcome.** Complete is not declared re-entrant: after a lost answer, query the order.
    `DOING` / `MCH_COMPLETE` (or later) with this request's `total_amount` means it was applied; still
    `USER_CONFIRM` means it was not and the same body may be sent again.

    Args:
        out_order_no (str):
        body (CompleteServiceOrderRequest): What the service cost. The amount rule is the
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
    body: CompleteServiceOrderRequest,
) -> Any | ErrorResponse | None:
    """Complete a Pay Score service order after the service (从业机构完结支付分订单)

     Tells WeChat Pay the service ended and what it costs: the order must be `DOING` / `USER_CONFIRM` and
    becomes `DOING` / `MCH_COMPLETE` with `collection.state` `USER_PAYING`. WeChat Pay does **not**
    collect the money in this family: the institution registers a deduction (`registerdeductinfo`) and
    collects it through the clearing house, or the user pays actively, or the payment through another
    channel is synced.

    **The amount rule** (`x-rules`): `total_amount` = Σ `post_payments[].amount` − Σ
    `post_discounts[].amount`, at least 0, and, in the deposit-first modes (先免 / 交押金), not above the
    order's `risk_fund.amount`. Discount names are unique within the order. WeChat Pay answers a wrong
    sum `400 PARAM_ERROR` (最终总金额计算非法).

    **The answer (a decision of this contract).** The maintained API descriptions answer `204 No
    Content`; one SDK types the answer as the whole order, by inheritance from another family's model.
    `204` is declared here; a `200` is not the declared success, so a client reports it as an unexpected
    answer and settles the outcome with a query. `channel_id` is required (every official page; the
    maintained descriptions make it optional).

    **Unknown outcome.** Complete is not declared re-entrant: after a lost answer, query the order.
    `DOING` / `MCH_COMPLETE` (or later) with this request's `total_amount` means it was applied; still
    `USER_CONFIRM` means it was not and the same body may be sent again.

    Args:
        out_order_no (str):
        body (CompleteServiceOrderRequest): What the service cost. The amount rule is the
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
