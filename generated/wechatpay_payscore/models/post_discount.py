from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="PostDiscount")


@_attrs_define
class PostDiscount:
    """One discount of the service (后付费商户优惠).

    Attributes:
        name (str | Unset): Name of the discount (优惠名称). Example: 满20减1元.
        description (str | Unset): What it is (优惠说明). Example: 不与其他优惠叠加.
        amount (int | Unset): Amount (优惠金额), in fen. Example: 100.
        count (int | Unset): Count (优惠数量). Example: 2.
    """

    name: str | Unset = UNSET
    description: str | Unset = UNSET
    amount: int | Unset = UNSET
    count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        amount = self.amount

        count = self.count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if amount is not UNSET:
            field_dict["amount"] = amount
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "PostDiscount")
        name = _errors.pop_field(d, "name", "PostDiscount", str, required=False)

        description = _errors.pop_field(
            d, "description", "PostDiscount", str, required=False
        )

        amount = _errors.pop_field(d, "amount", "PostDiscount", int, required=False)

        count = _errors.pop_field(d, "count", "PostDiscount", int, required=False)

        post_discount = cls(
            name=name,
            description=description,
            amount=amount,
            count=count,
        )

        post_discount.additional_properties = d
        return post_discount

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
