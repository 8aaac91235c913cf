from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.register_deduct_info_request import RegisterDeductInfoRequest
from ...models.registered_deduction import RegisteredDeduction
from ...types import Response


def _get_kwargs(
    out_order_no: str,
    *,
    body: RegisterDeductInfoRequest,
) -> dict[str, Any]:
    errors.check_argument("out_order_no", out_order_no, (str,))
    errors.check_argument("body", body, (RegisterDeductInfoRequest,))
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/registerdeductinfo".format(
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
) -> ErrorResponse | RegisteredDeduction | None:
    if response.status_code == 200:
        response_200 = RegisteredDeduction.from_dict(response.json())

        return response_200

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
) -> Response[ErrorResponse | RegisteredDeduction]:
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
    body: RegisterDeductInfoRequest,
) -> Response[ErrorResponse | RegisteredDeduction]:
    """Register the deduction the clearing house will collect (从业机构登记扣款信息)

     After a successful complete, registers the deduction order (扣款单) whose number `out_trade_no` the
    institution then uses at the clearing house (UnionPay / NetsUnion 委托代扣); WeChat Pay does not collect
    by itself in this family. Answered `200` with the `description` shown to the user. Not while the
    user has the cashier open.

    **Validity.** A registered deduction is effective for 24 hours and can be collected once; while it
    is effective it blocks cancel, modify and sync (`INVALID_ORDER_STATE`). After it lapsed, register
    again with a new `out_trade_no`.

    **Re-entry.** "扣款单有效期内支持重入的，重入不会刷新扣款单有效期": within the 24 hours the same body may be sent again (it
    does not extend the validity), so an unknown outcome is settled by re-sending it; after that, by the
    deduction query (`queryDeductInfo`). `appid` and `out_trade_no` are required (the official page; the
    maintained descriptions make them optional, and one lists a `reason` that no page defines).

    Args:
        out_order_no (str):
        body (RegisterDeductInfoRequest): The deduction order to register for a completed service
            order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RegisteredDeduction]
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
    body: RegisterDeductInfoRequest,
) -> ErrorResponse | RegisteredDeduction | None:
    """Register the deduction the clearing house will collect (从业机构登记扣款信息)

     After a successful complete, registers the deduction order (扣款单) whose number `out_trade_no` the
    institution then uses at the clearing house (UnionPay / NetsUnion 委托代扣); WeChat Pay does not collect
    by itself in this family. Answered `200` with the `description` shown to the user. Not while the
    user has the cashier open.

    **Validity.** A registered deduction is effective for 24 hours and can be collected once; while it
    is effective it blocks cancel, modify and sync (`INVALID_ORDER_STATE`). After it lapsed, register
    again with a new `out_trade_no`.

    **Re-entry.** "扣款单有效期内支持重入的，重入不会刷新扣款单有效期": within the 24 hours the same body may be sent again (it
    does not extend the validity), so an unknown outcome is settled by re-sending it; after that, by the
    deduction query (`queryDeductInfo`). `appid` and `out_trade_no` are required (the official page; the
    maintained descriptions make them optional, and one lists a `reason` that no page defines).

    Args:
        out_order_no (str):
        body (RegisterDeductInfoRequest): The deduction order to register for a completed service
            order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RegisteredDeduction
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
    body: RegisterDeductInfoRequest,
) -> Response[ErrorResponse | RegisteredDeduction]:
    """Register the deduction the clearing house will collect (从业机构登记扣款信息)

     After a successful complete, registers the deduction order (扣款单) whose number `out_trade_no` the
    institution then uses at the clearing house (UnionPay / NetsUnion 委托代扣); WeChat Pay does not collect
    by itself in this family. Answered `200` with the `description` shown to the user. Not while the
    user has the cashier open.

    **Validity.** A registered deduction is effective for 24 hours and can be collected once; while it
    is effective it blocks cancel, modify and sync (`INVALID_ORDER_STATE`). After it lapsed, register
    again with a new `out_trade_no`.

    **Re-entry.** "扣款单有效期内支持重入的，重入不会刷新扣款单有效期": within the 24 hours the same body may be sent again (it
    does not extend the validity), so an unknown outcome is settled by re-sending it; after that, by the
    deduction query (`queryDeductInfo`). `appid` and `out_trade_no` are required (the official page; the
    maintained descriptions make them optional, and one lists a `reason` that no page defines).

    Args:
        out_order_no (str):
        body (RegisterDeductInfoRequest): The deduction order to register for a completed service
            order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RegisteredDeduction]
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
    body: RegisterDeductInfoRequest,
) -> ErrorResponse | RegisteredDeduction | None:
    """Register the deduction the clearing house will collect (从业机构登记扣款信息)

     After a successful complete, registers the deduction order (扣款单) whose number `out_trade_no` the
    institution then uses at the clearing house (UnionPay / NetsUnion 委托代扣); WeChat Pay does not collect
    by itself in this family. Answered `200` with the `description` shown to the user. Not while the
    user has the cashier open.

    **Validity.** A registered deduction is effective for 24 hours and can be collected once; while it
    is effective it blocks cancel, modify and sync (`INVALID_ORDER_STATE`). After it lapsed, register
    again with a new `out_trade_no`.

    **Re-entry.** "扣款单有效期内支持重入的，重入不会刷新扣款单有效期": within the 24 hours the same body may be sent again (it
    does not extend the validity), so an unknown outcome is settled by re-sending it; after that, by the
    deduction query (`queryDeductInfo`). `appid` and `out_trade_no` are required (the official page; the
    maintained descriptions make them optional, and one lists a `reason` that no page defines).

    Args:
        out_order_no (str):
        body (RegisterDeductInfoRequest): The deduction order to register for a completed service
            order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RegisteredDeduction
    """

    return (
        await asyncio_detailed(
            out_order_no=out_order_no,
            client=client,
            body=body,
        )
    ).parsed
