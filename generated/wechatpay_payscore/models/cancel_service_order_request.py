from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors

T = TypeVar("T", bound="CancelServiceOrderRequest")


@_attrs_define
class CancelServiceOrderRequest:
    """Which order to cancel, and why.

    Attributes:
        service_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        sub_mchid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        channel_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        reason (str): Why, at most 50 characters, shown to the user. A re-send must repeat it exactly.
    """

    service_id: str
    sub_mchid: str
    channel_id: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        service_id = self.service_id

        sub_mchid = self.sub_mchid

        channel_id = self.channel_id

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service_id": service_id,
                "sub_mchid": sub_mchid,
                "channel_id": channel_id,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "CancelServiceOrderRequest")
        service_id = _errors.pop_field(
            d, "service_id", "CancelServiceOrderRequest", str
        )

        sub_mchid = _errors.pop_field(d, "sub_mchid", "CancelServiceOrderRequest", str)

        channel_id = _errors.pop_field(
            d, "channel_id", "CancelServiceOrderRequest", str
        )

        reason = _errors.pop_field(d, "reason", "CancelServiceOrderRequest", str)

        _errors.refuse_unknown(d, "CancelServiceOrderRequest")
        cancel_service_order_request = cls(
            service_id=service_id,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            reason=reason,
        )

        return cancel_service_order_request
