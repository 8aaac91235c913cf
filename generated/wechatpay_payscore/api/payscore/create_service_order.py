from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_service_order_request import CreateServiceOrderRequest
from ...models.created_service_order import CreatedServiceOrder
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: CreateServiceOrderRequest,
) -> dict[str, Any]:
    errors.check_argument("body", body, (CreateServiceOrderRequest,))
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/payscore/acquiringbank/serviceorder",
    }

    _kwargs["json"] = body.to_dict()

    errors.check_json_body(_kwargs["json"])
    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreatedServiceOrder | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = CreatedServiceOrder.from_dict(response.json())

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
) -> Response[CreatedServiceOrder | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateServiceOrderRequest,
) -> Response[CreatedServiceOrder | ErrorResponse]:
    """Create a Pay Score service order (从业机构创建支付分订单)

     Creates a service order for one of the institution's sub-merchants. The answer is the order, as the
    query returns it, plus `package`, the data the app or mini program hands to WeChat to open the
    confirm page.

    **The state after create (a decision of this contract).** The sources disagree: the older create
    page says `CREATED`, the newer page and the maintained API descriptions say `DOING`. The acquiring
    institution's development guide tells institutions to send `need_user_confirm: true` and wait for
    the user's confirmation (`PAYSCORE.USER_CONFIRM`): with `need_user_confirm: true` the order starts
    `CREATED` and becomes `DOING` / `USER_CONFIRM` when the user confirms; without it the order starts
    `DOING` / `USER_CONFIRM` at once (the newer pages). `CREATED` orders left untouched for 30 days
    become `EXPIRED`.

    **Re-entry (原参重入).** "相同参数重复调用可以返回成功": sending the same body again is safe and answers the same
    order, so an unknown outcome is settled by re-sending the identical body. The same `out_order_no`
    with any other parameter is refused `400 INVALID_REQUEST` (请确认相同单号是否使用了不同的参数); a query that finds
    the number holding an order of other parameters (another `appid`, `service_introduction`,
    `notify_url` or risk fund) proves this create can no longer apply (`superseded`).

    **Ids.** `service_id`, `appid`, `sub_mchid`, `sub_appid` and `channel_id` must be those registered
    for the service: any other is answered `403 NO_AUTH` (商户暂无权限使用此服务), the error other SDKs' users meet
    most. Every later call on the order must send the same ids.

    Args:
        body (CreateServiceOrderRequest): A new service order. Required fields follow the official
            page and the maintained descriptions.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedServiceOrder | ErrorResponse]
    """

    try:
        kwargs = _get_kwargs(
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
    *,
    client: AuthenticatedClient | Client,
    body: CreateServiceOrderRequest,
) -> CreatedServiceOrder | ErrorResponse | None:
    """Create a Pay Score service order (从业机构创建支付分订单)

     Creates a service order for one of the institution's sub-merchants. The answer is the order, as the
    query returns it, plus `package`, the data the app or mini program hands to WeChat to open the
    confirm page.

    **The state after create (a decision of this contract).** The sources disagree: the older create
    page says `CREATED`, the newer page and the maintained API descriptions say `DOING`. The acquiring
    institution's development guide tells institutions to send `need_user_confirm: true` and wait for
    the user's confirmation (`PAYSCORE.USER_CONFIRM`): with `need_user_confirm: true` the order starts
    `CREATED` and becomes `DOING` / `USER_CONFIRM` when the user confirms; without it the order starts
    `DOING` / `USER_CONFIRM` at once (the newer pages). `CREATED` orders left untouched for 30 days
    become `EXPIRED`.

    **Re-entry (原参重入).** "相同参数重复调用可以返回成功": sending the same body again is safe and answers the same
    order, so an unknown outcome is settled by re-sending the identical body. The same `out_order_no`
    with any other parameter is refused `400 INVALID_REQUEST` (请确认相同单号是否使用了不同的参数); a query that finds
    the number holding an order of other parameters (another `appid`, `service_introduction`,
    `notify_url` or risk fund) proves this create can no longer apply (`superseded`).

    **Ids.** `service_id`, `appid`, `sub_mchid`, `sub_appid` and `channel_id` must be those registered
    for the service: any other is answered `403 NO_AUTH` (商户暂无权限使用此服务), the error other SDKs' users meet
    most. Every later call on the order must send the same ids.

    Args:
        body (CreateServiceOrderRequest): A new service order. Required fields follow the official
            page and the maintained descriptions.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedServiceOrder | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateServiceOrderRequest,
) -> Response[CreatedServiceOrder | ErrorResponse]:
    """Create a Pay Score service order (从业机构创建支付分订单)

     Creates a service order for one of the institution's sub-merchants. The answer is the order, as the
    query returns it, plus `package`, the data the app or mini program hands to WeChat to open the
    confirm page.

    **The state after create (a decision of this contract).** The sources disagree: the older create
    page says `CREATED`, the newer page and the maintained API descriptions say `DOING`. The acquiring
    institution's development guide tells institutions to send `need_user_confirm: true` and wait for
    the user's confirmation (`PAYSCORE.USER_CONFIRM`): with `need_user_confirm: true` the order starts
    `CREATED` and becomes `DOING` / `USER_CONFIRM` when the user confirms; without it the order starts
    `DOING` / `USER_CONFIRM` at once (the newer pages). `CREATED` orders left untouched for 30 days
    become `EXPIRED`.

    **Re-entry (原参重入).** "相同参数重复调用可以返回成功": sending the same body again is safe and answers the same
    order, so an unknown outcome is settled by re-sending the identical body. The same `out_order_no`
    with any other parameter is refused `400 INVALID_REQUEST` (请确认相同单号是否使用了不同的参数); a query that finds
    the number holding an order of other parameters (another `appid`, `service_introduction`,
    `notify_url` or risk fund) proves this create can no longer apply (`superseded`).

    **Ids.** `service_id`, `appid`, `sub_mchid`, `sub_appid` and `channel_id` must be those registered
    for the service: any other is answered `403 NO_AUTH` (商户暂无权限使用此服务), the error other SDKs' users meet
    most. Every later call on the order must send the same ids.

    Args:
        body (CreateServiceOrderRequest): A new service order. Required fields follow the official
            page and the maintained descriptions.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedServiceOrder | ErrorResponse]
    """

    try:
        kwargs = _get_kwargs(
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
    *,
    client: AuthenticatedClient | Client,
    body: CreateServiceOrderRequest,
) -> CreatedServiceOrder | ErrorResponse | None:
    """Create a Pay Score service order (从业机构创建支付分订单)

     Creates a service order for one of the institution's sub-merchants. The answer is the order, as the
    query returns it, plus `package`, the data the app or mini program hands to WeChat to open the
    confirm page.

    **The state after create (a decision of this contract).** The sources disagree: the older create
    page says `CREATED`, the newer page and the maintained API descriptions say `DOING`. The acquiring
    institution's development guide tells institutions to send `need_user_confirm: true` and wait for
    the user's confirmation (`PAYSCORE.USER_CONFIRM`): with `need_user_confirm: true` the order starts
    `CREATED` and becomes `DOING` / `USER_CONFIRM` when the user confirms; without it the order starts
    `DOING` / `USER_CONFIRM` at once (the newer pages). `CREATED` orders left untouched for 30 days
    become `EXPIRED`.

    **Re-entry (原参重入).** "相同参数重复调用可以返回成功": sending the same body again is safe and answers the same
    order, so an unknown outcome is settled by re-sending the identical body. The same `out_order_no`
    with any other parameter is refused `400 INVALID_REQUEST` (请确认相同单号是否使用了不同的参数); a query that finds
    the number holding an order of other parameters (another `appid`, `service_introduction`,
    `notify_url` or risk fund) proves this create can no longer apply (`superseded`).

    **Ids.** `service_id`, `appid`, `sub_mchid`, `sub_appid` and `channel_id` must be those registered
    for the service: any other is answered `403 NO_AUTH` (商户暂无权限使用此服务), the error other SDKs' users meet
    most. Every later call on the order must send the same ids.

    Args:
        body (CreateServiceOrderRequest): A new service order. Required fields follow the official
            page and the maintained descriptions.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedServiceOrder | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
