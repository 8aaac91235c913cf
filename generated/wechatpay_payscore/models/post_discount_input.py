from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="PostDiscountInput")


@_attrs_define
class PostDiscountInput:
    """One discount, as created (后付费商户优惠).

    Attributes:
        name (str): A short text shown to the user, at most 20 characters (every character counts one).
        description (str): What it is (优惠说明), at most 30 characters. Example: 不与其他优惠叠加.
        amount (int | Unset): An amount in fen (分, 0.01 CNY); never negative.
        count (int | Unset): Count (优惠数量). Example: 2.
    """

    name: str
    description: str
    amount: int | Unset = UNSET
    count: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        amount = self.amount

        count = self.count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "description": description,
            }
        )
        if amount is not UNSET:
            field_dict["amount"] = amount
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "PostDiscountInput")
        name = _errors.pop_field(d, "name", "PostDiscountInput", str)

        description = _errors.pop_field(d, "description", "PostDiscountInput", str)

        amount = _errors.pop_field(
            d, "amount", "PostDiscountInput", int, required=False
        )

        count = _errors.pop_field(d, "count", "PostDiscountInput", int, required=False)

        _errors.refuse_unknown(d, "PostDiscountInput")
        post_discount_input = cls(
            name=name,
            description=description,
            amount=amount,
            count=count,
        )

        return post_discount_input
