from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="NotifiedPostDiscount")


@_attrs_define
class NotifiedPostDiscount:
    """One discount of the service (后付费商户优惠), as a notification carries it.

    Attributes:
        name (str | Unset): Name of the discount (优惠名称). Example: 满20减1元.
        description (str | Unset): What it is (优惠说明). Example: 不与其他优惠叠加.
        amount (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its decimal
            digits as a string (published samples send `"40000"`). Either form means the same integer; read the string as
            base 10. Example: 40000.
        count (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its decimal
            digits as a string (published samples send `"40000"`). Either form means the same integer; read the string as
            base 10. Example: 40000.
    """

    name: str | Unset = UNSET
    description: str | Unset = UNSET
    amount: int | str | Unset = UNSET
    count: int | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        amount: int | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        count: int | str | Unset
        if isinstance(self.count, Unset):
            count = UNSET
        else:
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
        d = _errors.model_dict(src_dict, "NotifiedPostDiscount")
        name = _errors.pop_field(d, "name", "NotifiedPostDiscount", str, required=False)

        description = _errors.pop_field(
            d, "description", "NotifiedPostDiscount", str, required=False
        )

        _raw_amount = _errors.pop_field(
            d, "amount", "NotifiedPostDiscount", required=False
        )
        try:

            def _parse_amount(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            amount = _parse_amount(_raw_amount)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedPostDiscount", "amount") from None

        _raw_count = _errors.pop_field(
            d, "count", "NotifiedPostDiscount", required=False
        )
        try:

            def _parse_count(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            count = _parse_count(_raw_count)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedPostDiscount", "count") from None

        notified_post_discount = cls(
            name=name,
            description=description,
            amount=amount,
            count=count,
        )

        notified_post_discount.additional_properties = d
        return notified_post_discount

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
