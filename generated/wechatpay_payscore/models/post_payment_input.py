from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="PostPaymentInput")


@_attrs_define
class PostPaymentInput:
    """One charge, as created (后付费项目).

    Attributes:
        name (str): A short text shown to the user, at most 20 characters (every character counts one).
        description (str | Unset): What it is for (付费说明), at most 30 characters. Example: 就餐人均100元.
        amount (int | Unset): An amount in fen (分, 0.01 CNY); never negative.
        count (int | Unset): Count (付费数量), 1 to 100. Example: 4.
    """

    name: str
    description: str | Unset = UNSET
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
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if amount is not UNSET:
            field_dict["amount"] = amount
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "PostPaymentInput")
        name = _errors.pop_field(d, "name", "PostPaymentInput", str)

        description = _errors.pop_field(
            d, "description", "PostPaymentInput", str, required=False
        )

        amount = _errors.pop_field(d, "amount", "PostPaymentInput", int, required=False)

        count = _errors.pop_field(d, "count", "PostPaymentInput", int, required=False)

        _errors.refuse_unknown(d, "PostPaymentInput")
        post_payment_input = cls(
            name=name,
            description=description,
            amount=amount,
            count=count,
        )

        return post_payment_input
