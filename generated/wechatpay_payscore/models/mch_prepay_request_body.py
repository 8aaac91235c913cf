from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="MchPrepayRequestBody")


@_attrs_define
class MchPrepayRequestBody:
    """Part of the prepay request (预下单请求部分输入参数): the institution uses these values for the fields of the same name in its
    prepay request, and fills in the others itself.

        Attributes:
            device_info (str | Unset): Terminal id (终端设备号); `WEB` for web and official-account payments. Example: WEB.
            nonce_str (str | Unset): Random string of the request. Example: 5K8264ILTKCH16CQ2502SI8ZNMTM67VS.
            body (str | Unset): Short description of the goods (商品或支付单简要描述). Example: 嗨客餐厅用餐.
            attach (str | Unset): Attached data (附加数据).
            fee_type (str | Unset): Currency, ISO 4217 (`CNY` by default). Example: CNY.
            time_start (str | Unset): Start of the transaction, `yyyyMMddHHmmss`. Example: 20091225091010.
            time_expire (str | Unset): End of the transaction, `yyyyMMddHHmmss`. Example: 20091227091010.
            goods_tag (str | Unset): Goods tag (商品标记).
            notify_url (str | Unset): Where the payment result is sent (异步接收微信支付结果通知的回调地址). Example:
                https://api.test.com/notify.
            trade_type (str | Unset): Trade type (`JSAPI`, `NATIVE`, `App`). A plain string. Example: JSAPI.
            limit_pay (str | Unset): Payment limits (`no_credit`). Example: no_credit.
            need_receipt (bool | Unset): Whether an invoice is needed (发票). Example: False.
    """

    device_info: str | Unset = UNSET
    nonce_str: str | Unset = UNSET
    body: str | Unset = UNSET
    attach: str | Unset = UNSET
    fee_type: str | Unset = UNSET
    time_start: str | Unset = UNSET
    time_expire: str | Unset = UNSET
    goods_tag: str | Unset = UNSET
    notify_url: str | Unset = UNSET
    trade_type: str | Unset = UNSET
    limit_pay: str | Unset = UNSET
    need_receipt: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        device_info = self.device_info

        nonce_str = self.nonce_str

        body = self.body

        attach = self.attach

        fee_type = self.fee_type

        time_start = self.time_start

        time_expire = self.time_expire

        goods_tag = self.goods_tag

        notify_url = self.notify_url

        trade_type = self.trade_type

        limit_pay = self.limit_pay

        need_receipt = self.need_receipt

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if device_info is not UNSET:
            field_dict["device_info"] = device_info
        if nonce_str is not UNSET:
            field_dict["nonce_str"] = nonce_str
        if body is not UNSET:
            field_dict["body"] = body
        if attach is not UNSET:
            field_dict["attach"] = attach
        if fee_type is not UNSET:
            field_dict["fee_type"] = fee_type
        if time_start is not UNSET:
            field_dict["time_start"] = time_start
        if time_expire is not UNSET:
            field_dict["time_expire"] = time_expire
        if goods_tag is not UNSET:
            field_dict["goods_tag"] = goods_tag
        if notify_url is not UNSET:
            field_dict["notify_url"] = notify_url
        if trade_type is not UNSET:
            field_dict["trade_type"] = trade_type
        if limit_pay is not UNSET:
            field_dict["limit_pay"] = limit_pay
        if need_receipt is not UNSET:
            field_dict["need_receipt"] = need_receipt

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "MchPrepayRequestBody")
        device_info = _errors.pop_field(
            d, "device_info", "MchPrepayRequestBody", str, required=False
        )

        nonce_str = _errors.pop_field(
            d, "nonce_str", "MchPrepayRequestBody", str, required=False
        )

        body = _errors.pop_field(d, "body", "MchPrepayRequestBody", str, required=False)

        attach = _errors.pop_field(
            d, "attach", "MchPrepayRequestBody", str, required=False
        )

        fee_type = _errors.pop_field(
            d, "fee_type", "MchPrepayRequestBody", str, required=False
        )

        time_start = _errors.pop_field(
            d, "time_start", "MchPrepayRequestBody", str, required=False
        )

        time_expire = _errors.pop_field(
            d, "time_expire", "MchPrepayRequestBody", str, required=False
        )

        goods_tag = _errors.pop_field(
            d, "goods_tag", "MchPrepayRequestBody", str, required=False
        )

        notify_url = _errors.pop_field(
            d, "notify_url", "MchPrepayRequestBody", str, required=False
        )

        trade_type = _errors.pop_field(
            d, "trade_type", "MchPrepayRequestBody", str, required=False
        )

        limit_pay = _errors.pop_field(
            d, "limit_pay", "MchPrepayRequestBody", str, required=False
        )

        need_receipt = _errors.pop_field(
            d, "need_receipt", "MchPrepayRequestBody", bool, required=False
        )

        mch_prepay_request_body = cls(
            device_info=device_info,
            nonce_str=nonce_str,
            body=body,
            attach=attach,
            fee_type=fee_type,
            time_start=time_start,
            time_expire=time_expire,
            goods_tag=goods_tag,
            notify_url=notify_url,
            trade_type=trade_type,
            limit_pay=limit_pay,
            need_receipt=need_receipt,
        )

        mch_prepay_request_body.additional_properties = d
        return mch_prepay_request_body

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
