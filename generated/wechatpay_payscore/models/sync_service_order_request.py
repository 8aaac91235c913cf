from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..models.sync_service_order_request_type import (
    SyncServiceOrderRequestType,
    check_sync_service_order_request_type,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sync_detail import SyncDetail


T = TypeVar("T", bound="SyncServiceOrderRequest")


@_attrs_define
class SyncServiceOrderRequest:
    """What the acquiring institution tells WeChat Pay Score about the service order.

    Attributes:
        service_id (str): Pay Score service id (服务ID) assigned to the sub-merchant's service. The official page
            describes it as "32 digits" while its own example has 31: at most 32 characters. Example:
            2002000000000558128851361561536.
        sub_mchid (str): The sub-merchant's merchant id (子商户号), issued by WeChat Pay. Example: 1900000109.
        type_ (SyncServiceOrderRequestType): What happened to the order. The one documented value is `Order_Paid`
            (订单收款成功), so it is the default of the models generated from this contract; it is still required on the wire and
            always sent. Default: 'Order_Paid'. Example: Order_Paid.
        detail (SyncDetail): Details of the event named by `type`.
        channel_id (str | Unset): The channel merchant id (渠道商商户号). Optional here, following the endpoint's published
            example page; note that the official API page marks it required — send it whenever the order has one. When it is
            absent, omit the key (never `null`). Example: 1230000109.
    """

    service_id: str
    sub_mchid: str
    detail: SyncDetail
    type_: SyncServiceOrderRequestType = "Order_Paid"
    channel_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service_id = self.service_id

        sub_mchid = self.sub_mchid

        type_: str = self.type_

        detail = self.detail.to_dict()

        channel_id = self.channel_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service_id": service_id,
                "sub_mchid": sub_mchid,
                "type": type_,
                "detail": detail,
            }
        )
        if channel_id is not UNSET:
            field_dict["channel_id"] = channel_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sync_detail import SyncDetail  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "SyncServiceOrderRequest")
        service_id = _errors.pop_field(d, "service_id", "SyncServiceOrderRequest", str)

        sub_mchid = _errors.pop_field(d, "sub_mchid", "SyncServiceOrderRequest", str)

        type_ = check_sync_service_order_request_type(
            _errors.pop_field(
                d, "type", "SyncServiceOrderRequest", str, choices=("Order_Paid",)
            )
        )

        _raw_detail = _errors.pop_field(d, "detail", "SyncServiceOrderRequest", Mapping)
        try:
            detail = SyncDetail.from_dict(_raw_detail)

        except _errors.InvalidModelError as exc:
            raise exc.inside("SyncServiceOrderRequest", "detail") from None

        channel_id = _errors.pop_field(
            d, "channel_id", "SyncServiceOrderRequest", str, required=False
        )

        _errors.refuse_unknown(d, "SyncServiceOrderRequest")
        sync_service_order_request = cls(
            service_id=service_id,
            sub_mchid=sub_mchid,
            type_=type_,
            detail=detail,
            channel_id=channel_id,
        )

        return sync_service_order_request
