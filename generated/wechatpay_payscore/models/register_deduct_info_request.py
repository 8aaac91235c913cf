from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="RegisterDeductInfoRequest")


@_attrs_define
class RegisterDeductInfoRequest:
    """The deduction order to register for a completed service order.

    Attributes:
        service_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        appid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and no
            characters outside the Basic Multilingual Plane.
        sub_mchid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        channel_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        out_trade_no (str): A merchant's order number (商户服务订单号, 商户扣款单号): at most 32 characters of digits, letters and `_
            - | *`, unique per merchant.
        sub_appid (str | Unset): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control
            characters and no characters outside the Basic Multilingual Plane.
    """

    service_id: str
    appid: str
    sub_mchid: str
    channel_id: str
    out_trade_no: str
    sub_appid: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service_id = self.service_id

        appid = self.appid

        sub_mchid = self.sub_mchid

        channel_id = self.channel_id

        out_trade_no = self.out_trade_no

        sub_appid = self.sub_appid

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service_id": service_id,
                "appid": appid,
                "sub_mchid": sub_mchid,
                "channel_id": channel_id,
                "out_trade_no": out_trade_no,
            }
        )
        if sub_appid is not UNSET:
            field_dict["sub_appid"] = sub_appid

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "RegisterDeductInfoRequest")
        service_id = _errors.pop_field(
            d, "service_id", "RegisterDeductInfoRequest", str
        )

        appid = _errors.pop_field(d, "appid", "RegisterDeductInfoRequest", str)

        sub_mchid = _errors.pop_field(d, "sub_mchid", "RegisterDeductInfoRequest", str)

        channel_id = _errors.pop_field(
            d, "channel_id", "RegisterDeductInfoRequest", str
        )

        out_trade_no = _errors.pop_field(
            d, "out_trade_no", "RegisterDeductInfoRequest", str
        )

        sub_appid = _errors.pop_field(
            d, "sub_appid", "RegisterDeductInfoRequest", str, required=False
        )

        _errors.refuse_unknown(d, "RegisterDeductInfoRequest")
        register_deduct_info_request = cls(
            service_id=service_id,
            appid=appid,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            out_trade_no=out_trade_no,
            sub_appid=sub_appid,
        )

        return register_deduct_info_request
