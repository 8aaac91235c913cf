from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.promotion_goods_detail import PromotionGoodsDetail


T = TypeVar("T", bound="PromotionDetail")


@_attrs_define
class PromotionDetail:
    """One promotion applied to a payment (优惠详情).

    Attributes:
        coupon_id (str | Unset): Coupon id (券ID). Example: 109519.
        name (str | Unset): Coupon name (优惠名称). Example: 单品惠-6.
        scope (str | Unset): Scope (优惠范围); known values `GLOBAL`, `SINGLE`. A plain string. Example: SINGLE.
        type_ (str | Unset): Kind (优惠类型); known values `COUPON`, `DISCOUNT`. A plain string. Example: DISCOUNT.
        amount (int | Unset): Amount (优惠券面额), in fen. Example: 5.
        stock_id (str | Unset): Stock id (活动ID). Example: 931386.
        wechatpay_contribute (int | Unset): Funded by WeChat Pay (微信出资), in fen. Example: 0.
        merchant_contribute (int | Unset): Funded by the merchant (商户出资), in fen. Example: 0.
        other_contribute (int | Unset): Funded by others (其他出资), in fen. Example: 0.
        currency (str | Unset): Currency (优惠币种). Example: CNY.
        goods_detail (list[PromotionGoodsDetail] | Unset): The goods the promotion applied to (单品列表).
    """

    coupon_id: str | Unset = UNSET
    name: str | Unset = UNSET
    scope: str | Unset = UNSET
    type_: str | Unset = UNSET
    amount: int | Unset = UNSET
    stock_id: str | Unset = UNSET
    wechatpay_contribute: int | Unset = UNSET
    merchant_contribute: int | Unset = UNSET
    other_contribute: int | Unset = UNSET
    currency: str | Unset = UNSET
    goods_detail: list[PromotionGoodsDetail] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        coupon_id = self.coupon_id

        name = self.name

        scope = self.scope

        type_ = self.type_

        amount = self.amount

        stock_id = self.stock_id

        wechatpay_contribute = self.wechatpay_contribute

        merchant_contribute = self.merchant_contribute

        other_contribute = self.other_contribute

        currency = self.currency

        goods_detail: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.goods_detail, Unset):
            goods_detail = []
            for goods_detail_item_data in self.goods_detail:
                goods_detail_item = goods_detail_item_data.to_dict()
                goods_detail.append(goods_detail_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if coupon_id is not UNSET:
            field_dict["coupon_id"] = coupon_id
        if name is not UNSET:
            field_dict["name"] = name
        if scope is not UNSET:
            field_dict["scope"] = scope
        if type_ is not UNSET:
            field_dict["type"] = type_
        if amount is not UNSET:
            field_dict["amount"] = amount
        if stock_id is not UNSET:
            field_dict["stock_id"] = stock_id
        if wechatpay_contribute is not UNSET:
            field_dict["wechatpay_contribute"] = wechatpay_contribute
        if merchant_contribute is not UNSET:
            field_dict["merchant_contribute"] = merchant_contribute
        if other_contribute is not UNSET:
            field_dict["other_contribute"] = other_contribute
        if currency is not UNSET:
            field_dict["currency"] = currency
        if goods_detail is not UNSET:
            field_dict["goods_detail"] = goods_detail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promotion_goods_detail import PromotionGoodsDetail  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "PromotionDetail")
        coupon_id = _errors.pop_field(
            d, "coupon_id", "PromotionDetail", str, required=False
        )

        name = _errors.pop_field(d, "name", "PromotionDetail", str, required=False)

        scope = _errors.pop_field(d, "scope", "PromotionDetail", str, required=False)

        type_ = _errors.pop_field(d, "type", "PromotionDetail", str, required=False)

        amount = _errors.pop_field(d, "amount", "PromotionDetail", int, required=False)

        stock_id = _errors.pop_field(
            d, "stock_id", "PromotionDetail", str, required=False
        )

        wechatpay_contribute = _errors.pop_field(
            d, "wechatpay_contribute", "PromotionDetail", int, required=False
        )

        merchant_contribute = _errors.pop_field(
            d, "merchant_contribute", "PromotionDetail", int, required=False
        )

        other_contribute = _errors.pop_field(
            d, "other_contribute", "PromotionDetail", int, required=False
        )

        currency = _errors.pop_field(
            d, "currency", "PromotionDetail", str, required=False
        )

        _raw_goods_detail = _errors.pop_field(
            d, "goods_detail", "PromotionDetail", list, required=False
        )
        try:
            _goods_detail = _raw_goods_detail
            goods_detail: list[PromotionGoodsDetail] | Unset = UNSET
            if _goods_detail is not UNSET:
                goods_detail = []
                for goods_detail_item_data in _goods_detail:
                    goods_detail_item = PromotionGoodsDetail.from_dict(
                        goods_detail_item_data
                    )

                    goods_detail.append(goods_detail_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("PromotionDetail", "goods_detail[]") from None

        promotion_detail = cls(
            coupon_id=coupon_id,
            name=name,
            scope=scope,
            type_=type_,
            amount=amount,
            stock_id=stock_id,
            wechatpay_contribute=wechatpay_contribute,
            merchant_contribute=merchant_contribute,
            other_contribute=other_contribute,
            currency=currency,
            goods_detail=goods_detail,
        )

        promotion_detail.additional_properties = d
        return promotion_detail

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
