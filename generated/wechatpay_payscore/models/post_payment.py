from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="PostPayment")


@_attrs_define
class PostPayment:
    """One charge of the service (后付费项目).

    Attributes:
        name (str | Unset): Name of the charge (付费项目名称). Example: 就餐费用.
        description (str | Unset): What it is for (付费说明). Example: 就餐人均100元.
        amount (int | Unset): Amount (金额), in fen. Example: 40000.
        count (int | Unset): Count (付费数量). Example: 4.
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
        d = _errors.model_dict(src_dict, "PostPayment")
        name = _errors.pop_field(d, "name", "PostPayment", str, required=False)

        description = _errors.pop_field(
            d, "description", "PostPayment", str, required=False
        )

        amount = _errors.pop_field(d, "amount", "PostPayment", int, required=False)

        count = _errors.pop_field(d, "count", "PostPayment", int, required=False)

        post_payment = cls(
            name=name,
            description=description,
            amount=amount,
            count=count,
        )

        post_payment.additional_properties = d
        return post_payment

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
