from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="PromotionGoodsDetail")


@_attrs_define
class PromotionGoodsDetail:
    """One item a promotion applied to (单品).

    Attributes:
        goods_id (str | Unset): Goods id (商品编码). Example: M1006.
        quantity (int | Unset): Quantity (商品数量). Example: 1.
        unit_price (int | Unset): Unit price (商品单价), in fen. Example: 100.
        discount_amount (int | Unset): Discount on it (商品优惠金额), in fen. Example: 1.
        goods_remark (str | Unset): Remark (商品备注). Example: 商品备注信息.
    """

    goods_id: str | Unset = UNSET
    quantity: int | Unset = UNSET
    unit_price: int | Unset = UNSET
    discount_amount: int | Unset = UNSET
    goods_remark: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        goods_id = self.goods_id

        quantity = self.quantity

        unit_price = self.unit_price

        discount_amount = self.discount_amount

        goods_remark = self.goods_remark

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if goods_id is not UNSET:
            field_dict["goods_id"] = goods_id
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if unit_price is not UNSET:
            field_dict["unit_price"] = unit_price
        if discount_amount is not UNSET:
            field_dict["discount_amount"] = discount_amount
        if goods_remark is not UNSET:
            field_dict["goods_remark"] = goods_remark

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "PromotionGoodsDetail")
        goods_id = _errors.pop_field(
            d, "goods_id", "PromotionGoodsDetail", str, required=False
        )

        quantity = _errors.pop_field(
            d, "quantity", "PromotionGoodsDetail", int, required=False
        )

        unit_price = _errors.pop_field(
            d, "unit_price", "PromotionGoodsDetail", int, required=False
        )

        discount_amount = _errors.pop_field(
            d, "discount_amount", "PromotionGoodsDetail", int, required=False
        )

        goods_remark = _errors.pop_field(
            d, "goods_remark", "PromotionGoodsDetail", str, required=False
        )

        promotion_goods_detail = cls(
            goods_id=goods_id,
            quantity=quantity,
            unit_price=unit_price,
            discount_amount=discount_amount,
            goods_remark=goods_remark,
        )

        promotion_goods_detail.additional_properties = d
        return promotion_goods_detail

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
