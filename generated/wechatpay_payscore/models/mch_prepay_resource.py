from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.mch_prepay_request_body import MchPrepayRequestBody


T = TypeVar("T", bound="MchPrepayResource")


@_attrs_define
class MchPrepayResource:
    """The decrypted resource of `PAYSCORE.MCH_PREPAY`: the order and the part of the clearing house's prepay request
    (统一下单) WeChat Pay fixes. Only `out_order_no` is required here (the one published table is not official); amounts may
    arrive as strings; unknown keys are kept.

        Attributes:
            out_order_no (str): The merchant's service order number (商户服务订单号). Example: 1234323JKHDFE1243252.
            service_id (str | Unset): The service id given at creation (服务ID). Example: 500001.
            appid (str | Unset): The app id given at creation (应用ID). Example: wxd678efh567hg6787.
            mchid (str | Unset): The merchant id given at creation (商户号). Example: 1230000109.
            sub_appid (str | Unset): The sub-merchant's app id given at creation. Example: wxd678efh567hg6999.
            sub_mchid (str | Unset): The sub-merchant's merchant id given at creation. Example: 1900000109.
            channel_id (str | Unset): The channel merchant id given at creation (渠道商商户号). Example: 1230000109.
            openid (str | Unset): The user's id under `appid` (absent when `sub_appid` was given). Example:
                oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.
            sub_openid (str | Unset): The user's id under `sub_appid`. Example: oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.
            total_amount (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its
                decimal digits as a string (published samples send `"40000"`). Either form means the same integer; read the
                string as base 10. Example: 40000.
            prepay_req_body (MchPrepayRequestBody | Unset): Part of the prepay request (预下单请求部分输入参数): the institution uses
                these values for the fields of the same name in its prepay request, and fills in the others itself.
            prepay_req_header_base64 (str | Unset): The headers of the institution's prepay request, Base64.
            prepay_req_body_base64 (str | Unset): The body of the institution's prepay request, Base64.
            prepay_resp_http_code (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or
                its decimal digits as a string (published samples send `"40000"`). Either form means the same integer; read the
                string as base 10. Example: 40000.
            prepay_resp_header_base64 (str | Unset): The headers of the prepay answer the institution received, Base64.
            prepay_resp_body_base64 (str | Unset): The body of the prepay answer the institution received, Base64.
    """

    out_order_no: str
    service_id: str | Unset = UNSET
    appid: str | Unset = UNSET
    mchid: str | Unset = UNSET
    sub_appid: str | Unset = UNSET
    sub_mchid: str | Unset = UNSET
    channel_id: str | Unset = UNSET
    openid: str | Unset = UNSET
    sub_openid: str | Unset = UNSET
    total_amount: int | str | Unset = UNSET
    prepay_req_body: MchPrepayRequestBody | Unset = UNSET
    prepay_req_header_base64: str | Unset = UNSET
    prepay_req_body_base64: str | Unset = UNSET
    prepay_resp_http_code: int | str | Unset = UNSET
    prepay_resp_header_base64: str | Unset = UNSET
    prepay_resp_body_base64: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out_order_no = self.out_order_no

        service_id = self.service_id

        appid = self.appid

        mchid = self.mchid

        sub_appid = self.sub_appid

        sub_mchid = self.sub_mchid

        channel_id = self.channel_id

        openid = self.openid

        sub_openid = self.sub_openid

        total_amount: int | str | Unset
        if isinstance(self.total_amount, Unset):
            total_amount = UNSET
        else:
            total_amount = self.total_amount

        prepay_req_body: dict[str, Any] | Unset = UNSET
        if not isinstance(self.prepay_req_body, Unset):
            prepay_req_body = self.prepay_req_body.to_dict()

        prepay_req_header_base64 = self.prepay_req_header_base64

        prepay_req_body_base64 = self.prepay_req_body_base64

        prepay_resp_http_code: int | str | Unset
        if isinstance(self.prepay_resp_http_code, Unset):
            prepay_resp_http_code = UNSET
        else:
            prepay_resp_http_code = self.prepay_resp_http_code

        prepay_resp_header_base64 = self.prepay_resp_header_base64

        prepay_resp_body_base64 = self.prepay_resp_body_base64

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "out_order_no": out_order_no,
            }
        )
        if service_id is not UNSET:
            field_dict["service_id"] = service_id
        if appid is not UNSET:
            field_dict["appid"] = appid
        if mchid is not UNSET:
            field_dict["mchid"] = mchid
        if sub_appid is not UNSET:
            field_dict["sub_appid"] = sub_appid
        if sub_mchid is not UNSET:
            field_dict["sub_mchid"] = sub_mchid
        if channel_id is not UNSET:
            field_dict["channel_id"] = channel_id
        if openid is not UNSET:
            field_dict["openid"] = openid
        if sub_openid is not UNSET:
            field_dict["sub_openid"] = sub_openid
        if total_amount is not UNSET:
            field_dict["total_amount"] = total_amount
        if prepay_req_body is not UNSET:
            field_dict["prepay_req_body"] = prepay_req_body
        if prepay_req_header_base64 is not UNSET:
            field_dict["prepay_req_header_base64"] = prepay_req_header_base64
        if prepay_req_body_base64 is not UNSET:
            field_dict["prepay_req_body_base64"] = prepay_req_body_base64
        if prepay_resp_http_code is not UNSET:
            field_dict["prepay_resp_http_code"] = prepay_resp_http_code
        if prepay_resp_header_base64 is not UNSET:
            field_dict["prepay_resp_header_base64"] = prepay_resp_header_base64
        if prepay_resp_body_base64 is not UNSET:
            field_dict["prepay_resp_body_base64"] = prepay_resp_body_base64

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mch_prepay_request_body import MchPrepayRequestBody  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "MchPrepayResource")
        out_order_no = _errors.pop_field(d, "out_order_no", "MchPrepayResource", str)

        service_id = _errors.pop_field(
            d, "service_id", "MchPrepayResource", str, required=False
        )

        appid = _errors.pop_field(d, "appid", "MchPrepayResource", str, required=False)

        mchid = _errors.pop_field(d, "mchid", "MchPrepayResource", str, required=False)

        sub_appid = _errors.pop_field(
            d, "sub_appid", "MchPrepayResource", str, required=False
        )

        sub_mchid = _errors.pop_field(
            d, "sub_mchid", "MchPrepayResource", str, required=False
        )

        channel_id = _errors.pop_field(
            d, "channel_id", "MchPrepayResource", str, required=False
        )

        openid = _errors.pop_field(
            d, "openid", "MchPrepayResource", str, required=False
        )

        sub_openid = _errors.pop_field(
            d, "sub_openid", "MchPrepayResource", str, required=False
        )

        _raw_total_amount = _errors.pop_field(
            d, "total_amount", "MchPrepayResource", required=False
        )
        try:

            def _parse_total_amount(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            total_amount = _parse_total_amount(_raw_total_amount)

        except _errors.InvalidModelError as exc:
            raise exc.inside("MchPrepayResource", "total_amount") from None

        _raw_prepay_req_body = _errors.pop_field(
            d, "prepay_req_body", "MchPrepayResource", Mapping, required=False
        )
        try:
            _prepay_req_body = _raw_prepay_req_body
            prepay_req_body: MchPrepayRequestBody | Unset
            if isinstance(_prepay_req_body, Unset):
                prepay_req_body = UNSET
            else:
                prepay_req_body = MchPrepayRequestBody.from_dict(_prepay_req_body)

        except _errors.InvalidModelError as exc:
            raise exc.inside("MchPrepayResource", "prepay_req_body") from None

        prepay_req_header_base64 = _errors.pop_field(
            d, "prepay_req_header_base64", "MchPrepayResource", str, required=False
        )

        prepay_req_body_base64 = _errors.pop_field(
            d, "prepay_req_body_base64", "MchPrepayResource", str, required=False
        )

        _raw_prepay_resp_http_code = _errors.pop_field(
            d, "prepay_resp_http_code", "MchPrepayResource", required=False
        )
        try:

            def _parse_prepay_resp_http_code(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            prepay_resp_http_code = _parse_prepay_resp_http_code(
                _raw_prepay_resp_http_code
            )

        except _errors.InvalidModelError as exc:
            raise exc.inside("MchPrepayResource", "prepay_resp_http_code") from None

        prepay_resp_header_base64 = _errors.pop_field(
            d, "prepay_resp_header_base64", "MchPrepayResource", str, required=False
        )

        prepay_resp_body_base64 = _errors.pop_field(
            d, "prepay_resp_body_base64", "MchPrepayResource", str, required=False
        )

        mch_prepay_resource = cls(
            out_order_no=out_order_no,
            service_id=service_id,
            appid=appid,
            mchid=mchid,
            sub_appid=sub_appid,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            openid=openid,
            sub_openid=sub_openid,
            total_amount=total_amount,
            prepay_req_body=prepay_req_body,
            prepay_req_header_base64=prepay_req_header_base64,
            prepay_req_body_base64=prepay_req_body_base64,
            prepay_resp_http_code=prepay_resp_http_code,
            prepay_resp_header_base64=prepay_resp_header_base64,
            prepay_resp_body_base64=prepay_resp_body_base64,
        )

        mch_prepay_resource.additional_properties = d
        return mch_prepay_resource

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
