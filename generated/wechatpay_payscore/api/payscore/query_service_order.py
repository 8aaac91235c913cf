from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.service_order import ServiceOrder
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    service_id: str,
    sub_mchid: str,
    channel_id: str,
    out_order_no: str | Unset = UNSET,
    query_id: str | Unset = UNSET,
) -> dict[str, Any]:
    errors.check_argument("service_id", service_id, (str,))
    errors.check_argument("sub_mchid", sub_mchid, (str,))
    errors.check_argument("channel_id", channel_id, (str,))
    errors.check_argument("out_order_no", out_order_no, (str, Unset))
    errors.check_argument("query_id", query_id, (str, Unset))

    params: dict[str, Any] = {}

    params["service_id"] = service_id

    params["sub_mchid"] = sub_mchid

    params["channel_id"] = channel_id

    params["out_order_no"] = out_order_no

    params["query_id"] = query_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v3/payscore/acquiringbank/serviceorder",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ServiceOrder | None:
    if response.status_code == 200:
        response_200 = ServiceOrder.from_dict(response.json())

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
) -> Response[ErrorResponse | ServiceOrder]:
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
    sub_mchid: str,
    channel_id: str,
    out_order_no: str | Unset = UNSET,
    query_id: str | Unset = UNSET,
) -> Response[ErrorResponse | ServiceOrder]:
    """Query a Pay Score service order (从业机构查询支付分订单)

     Reads a service order back: its state, amounts and what was collected, by the merchant's order
    number (`out_order_no`) or by the `query_id` the user brought back from the confirm page.

    **Exactly one of `out_order_no` and `query_id`.** The acquiring page says one of the two is required
    (商户订单号与单据查单ID必填其一); the sibling pages say exactly one (不允许都填写或都不填写). This contract takes the
    stricter rule: send one of them, never both, never neither, and never an empty value. OpenAPI cannot
    say "exactly one of these parameters", so the operation carries the rule as `x-exactly-one-of` (the
    list of the parameter names of which exactly one must be present); clients refuse to send a query
    that breaks it, and the emulator answers it `400 PARAM_ERROR`.

    **Which parameters are required.** `sub_mchid` and `channel_id` are required by every source.
    `service_id` is marked optional (选填) on the official query page but required by the maintained API
    descriptions, and a call without it is a known cause of `403 NO_AUTH`: it is required here.

    **The signature covers the query string as sent.** The URL line of the signed message is the path,
    `?`, and the query string exactly as it goes on the wire; the body line is empty (`GET` has no
    body). Send the parameters in the order they are declared here (`service_id`, `sub_mchid`,
    `channel_id`, then `out_order_no` or `query_id`) as `application/x-www-form-urlencoded`: letters,
    digits and `-._~` as they are, a space as `+`, every other byte of the UTF-8 value percent-encoded
    in upper case (`|` as `%7C`, `*` as `%2A`), and sign that same string.

    **Reconciliation.** After a sync whose outcome is unknown: `state` `DONE` with `collection.state`
    `USER_PAID` means the order is settled — a `collection.details[]` entry with `paid_type` `MCH` and
    the synced `paid_time` points to the sync; `state` `DOING` with `state_description` `MCH_COMPLETE`
    means the sync was not applied and the same body may be sent again; `REVOKED` and `EXPIRED` are
    final. Verify the answer's signature before reading any of it.

    **Forward compatible.** WeChat Pay adds fields and values over time: the answer may carry keys not
    listed here, and `state`, `state_description`, `collection.state` and `paid_type` may take values
    not listed here. They are plain strings; read them, do not reject the answer.

    Args:
        service_id (str):
        sub_mchid (str):
        channel_id (str):
        out_order_no (str | Unset):
        query_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ServiceOrder]
    """

    try:
        kwargs = _get_kwargs(
            service_id=service_id,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            out_order_no=out_order_no,
            query_id=query_id,
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
    sub_mchid: str,
    channel_id: str,
    out_order_no: str | Unset = UNSET,
    query_id: str | Unset = UNSET,
) -> ErrorResponse | ServiceOrder | None:
    """Query a Pay Score service order (从业机构查询支付分订单)

     Reads a service order back: its state, amounts and what was collected, by the merchant's order
    number (`out_order_no`) or by the `query_id` the user brought back from the confirm page.

    **Exactly one of `out_order_no` and `query_id`.** The acquiring page says one of the two is required
    (商户订单号与单据查单ID必填其一); the sibling pages say exactly one (不允许都填写或都不填写). This contract takes the
    stricter rule: send one of them, never both, never neither, and never an empty value. OpenAPI cannot
    say "exactly one of these parameters", so the operation carries the rule as `x-exactly-one-of` (the
    list of the parameter names of which exactly one must be present); clients refuse to send a query
    that breaks it, and the emulator answers it `400 PARAM_ERROR`.

    **Which parameters are required.** `sub_mchid` and `channel_id` are required by every source.
    `service_id` is marked optional (选填) on the official query page but required by the maintained API
    descriptions, and a call without it is a known cause of `403 NO_AUTH`: it is required here.

    **The signature covers the query string as sent.** The URL line of the signed message is the path,
    `?`, and the query string exactly as it goes on the wire; the body line is empty (`GET` has no
    body). Send the parameters in the order they are declared here (`service_id`, `sub_mchid`,
    `channel_id`, then `out_order_no` or `query_id`) as `application/x-www-form-urlencoded`: letters,
    digits and `-._~` as they are, a space as `+`, every other byte of the UTF-8 value percent-encoded
    in upper case (`|` as `%7C`, `*` as `%2A`), and sign that same string.

    **Reconciliation.** After a sync whose outcome is unknown: `state` `DONE` with `collection.state`
    `USER_PAID` means the order is settled — a `collection.details[]` entry with `paid_type` `MCH` and
    the synced `paid_time` points to the sync; `state` `DOING` with `state_description` `MCH_COMPLETE`
    means the sync was not applied and the same body may be sent again; `REVOKED` and `EXPIRED` are
    final. Verify the answer's signature before reading any of it.

    **Forward compatible.** WeChat Pay adds fields and values over time: the answer may carry keys not
    listed here, and `state`, `state_description`, `collection.state` and `paid_type` may take values
    not listed here. They are plain strings; read them, do not reject the answer.

    Args:
        service_id (str):
        sub_mchid (str):
        channel_id (str):
        out_order_no (str | Unset):
        query_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ServiceOrder
    """

    return sync_detailed(
        client=client,
        service_id=service_id,
        sub_mchid=sub_mchid,
        channel_id=channel_id,
        out_order_no=out_order_no,
        query_id=query_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    service_id: str,
    sub_mchid: str,
    channel_id: str,
    out_order_no: str | Unset = UNSET,
    query_id: str | Unset = UNSET,
) -> Response[ErrorResponse | ServiceOrder]:
    """Query a Pay Score service order (从业机构查询支付分订单)

     Reads a service order back: its state, amounts and what was collected, by the merchant's order
    number (`out_order_no`) or by the `query_id` the user brought back from the confirm page.

    **Exactly one of `out_order_no` and `query_id`.** The acquiring page says one of the two is required
    (商户订单号与单据查单ID必填其一); the sibling pages say exactly one (不允许都填写或都不填写). This contract takes the
    stricter rule: send one of them, never both, never neither, and never an empty value. OpenAPI cannot
    say "exactly one of these parameters", so the operation carries the rule as `x-exactly-one-of` (the
    list of the parameter names of which exactly one must be present); clients refuse to send a query
    that breaks it, and the emulator answers it `400 PARAM_ERROR`.

    **Which parameters are required.** `sub_mchid` and `channel_id` are required by every source.
    `service_id` is marked optional (选填) on the official query page but required by the maintained API
    descriptions, and a call without it is a known cause of `403 NO_AUTH`: it is required here.

    **The signature covers the query string as sent.** The URL line of the signed message is the path,
    `?`, and the query string exactly as it goes on the wire; the body line is empty (`GET` has no
    body). Send the parameters in the order they are declared here (`service_id`, `sub_mchid`,
    `channel_id`, then `out_order_no` or `query_id`) as `application/x-www-form-urlencoded`: letters,
    digits and `-._~` as they are, a space as `+`, every other byte of the UTF-8 value percent-encoded
    in upper case (`|` as `%7C`, `*` as `%2A`), and sign that same string.

    **Reconciliation.** After a sync whose outcome is unknown: `state` `DONE` with `collection.state`
    `USER_PAID` means the order is settled — a `collection.details[]` entry with `paid_type` `MCH` and
    the synced `paid_time` points to the sync; `state` `DOING` with `state_description` `MCH_COMPLETE`
    means the sync was not applied and the same body may be sent again; `REVOKED` and `EXPIRED` are
    final. Verify the answer's signature before reading any of it.

    **Forward compatible.** WeChat Pay adds fields and values over time: the answer may carry keys not
    listed here, and `state`, `state_description`, `collection.state` and `paid_type` may take values
    not listed here. They are plain strings; read them, do not reject the answer.

    Args:
        service_id (str):
        sub_mchid (str):
        channel_id (str):
        out_order_no (str | Unset):
        query_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ServiceOrder]
    """

    try:
        kwargs = _get_kwargs(
            service_id=service_id,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            out_order_no=out_order_no,
            query_id=query_id,
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
    sub_mchid: str,
    channel_id: str,
    out_order_no: str | Unset = UNSET,
    query_id: str | Unset = UNSET,
) -> ErrorResponse | ServiceOrder | None:
    """Query a Pay Score service order (从业机构查询支付分订单)

     Reads a service order back: its state, amounts and what was collected, by the merchant's order
    number (`out_order_no`) or by the `query_id` the user brought back from the confirm page.

    **Exactly one of `out_order_no` and `query_id`.** The acquiring page says one of the two is required
    (商户订单号与单据查单ID必填其一); the sibling pages say exactly one (不允许都填写或都不填写). This contract takes the
    stricter rule: send one of them, never both, never neither, and never an empty value. OpenAPI cannot
    say "exactly one of these parameters", so the operation carries the rule as `x-exactly-one-of` (the
    list of the parameter names of which exactly one must be present); clients refuse to send a query
    that breaks it, and the emulator answers it `400 PARAM_ERROR`.

    **Which parameters are required.** `sub_mchid` and `channel_id` are required by every source.
    `service_id` is marked optional (选填) on the official query page but required by the maintained API
    descriptions, and a call without it is a known cause of `403 NO_AUTH`: it is required here.

    **The signature covers the query string as sent.** The URL line of the signed message is the path,
    `?`, and the query string exactly as it goes on the wire; the body line is empty (`GET` has no
    body). Send the parameters in the order they are declared here (`service_id`, `sub_mchid`,
    `channel_id`, then `out_order_no` or `query_id`) as `application/x-www-form-urlencoded`: letters,
    digits and `-._~` as they are, a space as `+`, every other byte of the UTF-8 value percent-encoded
    in upper case (`|` as `%7C`, `*` as `%2A`), and sign that same string.

    **Reconciliation.** After a sync whose outcome is unknown: `state` `DONE` with `collection.state`
    `USER_PAID` means the order is settled — a `collection.details[]` entry with `paid_type` `MCH` and
    the synced `paid_time` points to the sync; `state` `DOING` with `state_description` `MCH_COMPLETE`
    means the sync was not applied and the same body may be sent again; `REVOKED` and `EXPIRED` are
    final. Verify the answer's signature before reading any of it.

    **Forward compatible.** WeChat Pay adds fields and values over time: the answer may carry keys not
    listed here, and `state`, `state_description`, `collection.state` and `paid_type` may take values
    not listed here. They are plain strings; read them, do not reject the answer.

    Args:
        service_id (str):
        sub_mchid (str):
        channel_id (str):
        out_order_no (str | Unset):
        query_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ServiceOrder
    """

    return (
        await asyncio_detailed(
            client=client,
            service_id=service_id,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            out_order_no=out_order_no,
            query_id=query_id,
        )
    ).parsed
