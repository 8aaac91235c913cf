from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deduction import Deduction
from ...models.error_response import ErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    service_id: str,
    appid: str,
    sub_mchid: str,
    sub_appid: str | Unset = UNSET,
    channel_id: str,
    out_order_no: str,
) -> dict[str, Any]:
    errors.check_argument("service_id", service_id, (str,))
    errors.check_argument("appid", appid, (str,))
    errors.check_argument("sub_mchid", sub_mchid, (str,))
    errors.check_argument("sub_appid", sub_appid, (str, Unset))
    errors.check_argument("channel_id", channel_id, (str,))
    errors.check_argument("out_order_no", out_order_no, (str,))

    params: dict[str, Any] = {}

    params["service_id"] = service_id

    params["appid"] = appid

    params["sub_mchid"] = sub_mchid

    params["sub_appid"] = sub_appid

    params["channel_id"] = channel_id

    params["out_order_no"] = out_order_no

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v3/payscore/acquiringbank/serviceorder/deduction",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Deduction | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = Deduction.from_dict(response.json())

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
) -> Response[Deduction | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    service_id: str,
    appid: str,
    sub_mchid: str,
    sub_appid: str | Unset = UNSET,
    channel_id: str,
    out_order_no: str,
) -> Response[Deduction | ErrorResponse]:
    """Query the deduction registered for a service order (从业机构查询扣款信息)

     Reads back the deduction order (扣款单) registered with `registerdeductinfo`: its `out_trade_no` and
    the description shown to the user. Answers while the order is `DOING` / `MCH_COMPLETE` or `DONE`; an
    order with no registered deduction is answered `404 ORDER_NOT_EXIST`. It changes nothing and may be
    retried freely; it is the evidence that settles a registration whose outcome is unknown.

    **Parameters.** All are required by the official page except `sub_appid`; the maintained API
    descriptions make `out_order_no` optional, but a deduction belongs to one order, so it is required
    here. Send them in the declared order (the official example's), encoded as for the order query, and
    sign the string sent.

    Args:
        service_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        appid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        sub_mchid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        sub_appid (str | Unset): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32
            characters, no control characters and no characters outside the Basic Multilingual Plane.
        channel_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        out_order_no (str): A merchant's order number (商户服务订单号, 商户扣款单号): at most 32 characters of
            digits, letters and `_ - | *`, unique per merchant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Deduction | ErrorResponse]
    """

    try:
        kwargs = _get_kwargs(
            service_id=service_id,
            appid=appid,
            sub_mchid=sub_mchid,
            sub_appid=sub_appid,
            channel_id=channel_id,
            out_order_no=out_order_no,
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
    *,
    client: AuthenticatedClient | Client,
    service_id: str,
    appid: str,
    sub_mchid: str,
    sub_appid: str | Unset = UNSET,
    channel_id: str,
    out_order_no: str,
) -> Deduction | ErrorResponse | None:
    """Query the deduction registered for a service order (从业机构查询扣款信息)

     Reads back the deduction order (扣款单) registered with `registerdeductinfo`: its `out_trade_no` and
    the description shown to the user. Answers while the order is `DOING` / `MCH_COMPLETE` or `DONE`; an
    order with no registered deduction is answered `404 ORDER_NOT_EXIST`. It changes nothing and may be
    retried freely; it is the evidence that settles a registration whose outcome is unknown.

    **Parameters.** All are required by the official page except `sub_appid`; the maintained API
    descriptions make `out_order_no` optional, but a deduction belongs to one order, so it is required
    here. Send them in the declared order (the official example's), encoded as for the order query, and
    sign the string sent.

    Args:
        service_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        appid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        sub_mchid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        sub_appid (str | Unset): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32
            characters, no control characters and no characters outside the Basic Multilingual Plane.
        channel_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        out_order_no (str): A merchant's order number (商户服务订单号, 商户扣款单号): at most 32 characters of
            digits, letters and `_ - | *`, unique per merchant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Deduction | ErrorResponse
    """

    return sync_detailed(
        client=client,
        service_id=service_id,
        appid=appid,
        sub_mchid=sub_mchid,
        sub_appid=sub_appid,
        channel_id=channel_id,
        out_order_no=out_order_no,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    service_id: str,
    appid: str,
    sub_mchid: str,
    sub_appid: str | Unset = UNSET,
    channel_id: str,
    out_order_no: str,
) -> Response[Deduction | ErrorResponse]:
    """Query the deduction registered for a service order (从业机构查询扣款信息)

     Reads back the deduction order (扣款单) registered with `registerdeductinfo`: its `out_trade_no` and
    the description shown to the user. Answers while the order is `DOING` / `MCH_COMPLETE` or `DONE`; an
    order with no registered deduction is answered `404 ORDER_NOT_EXIST`. It changes nothing and may be
    retried freely; it is the evidence that settles a registration whose outcome is unknown.

    **Parameters.** All are required by the official page except `sub_appid`; the maintained API
    descriptions make `out_order_no` optional, but a deduction belongs to one order, so it is required
    here. Send them in the declared order (the official example's), encoded as for the order query, and
    sign the string sent.

    Args:
        service_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        appid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        sub_mchid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        sub_appid (str | Unset): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32
            characters, no control characters and no characters outside the Basic Multilingual Plane.
        channel_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        out_order_no (str): A merchant's order number (商户服务订单号, 商户扣款单号): at most 32 characters of
            digits, letters and `_ - | *`, unique per merchant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Deduction | ErrorResponse]
    """

    try:
        kwargs = _get_kwargs(
            service_id=service_id,
            appid=appid,
            sub_mchid=sub_mchid,
            sub_appid=sub_appid,
            channel_id=channel_id,
            out_order_no=out_order_no,
        )
    except (TypeError, ValueError, AttributeError, UnicodeError) as exc:
        error = client.invalid_argument(exc)
        if error is exc:
            raise
        raise error from exc

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    service_id: str,
    appid: str,
    sub_mchid: str,
    sub_appid: str | Unset = UNSET,
    channel_id: str,
    out_order_no: str,
) -> Deduction | ErrorResponse | None:
    """Query the deduction registered for a service order (从业机构查询扣款信息)

     Reads back the deduction order (扣款单) registered with `registerdeductinfo`: its `out_trade_no` and
    the description shown to the user. Answers while the order is `DOING` / `MCH_COMPLETE` or `DONE`; an
    order with no registered deduction is answered `404 ORDER_NOT_EXIST`. It changes nothing and may be
    retried freely; it is the evidence that settles a registration whose outcome is unknown.

    **Parameters.** All are required by the official page except `sub_appid`; the maintained API
    descriptions make `out_order_no` optional, but a deduction belongs to one order, so it is required
    here. Send them in the declared order (the official example's), encoded as for the order query, and
    sign the string sent.

    Args:
        service_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        appid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        sub_mchid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        sub_appid (str | Unset): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32
            characters, no control characters and no characters outside the Basic Multilingual Plane.
        channel_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no
            control characters and no characters outside the Basic Multilingual Plane.
        out_order_no (str): A merchant's order number (商户服务订单号, 商户扣款单号): at most 32 characters of
            digits, letters and `_ - | *`, unique per merchant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Deduction | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            service_id=service_id,
            appid=appid,
            sub_mchid=sub_mchid,
            sub_appid=sub_appid,
            channel_id=channel_id,
            out_order_no=out_order_no,
        )
    ).parsed
