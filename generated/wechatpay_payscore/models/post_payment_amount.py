from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="PostPaymentAmount")


@_attrs_define
class PostPaymentAmount:
    """One charge with its amount, as completed or modified (后付费项目).

    Attributes:
        name (str): A short text shown to the user, at most 20 characters (every character counts one).
        amount (int): An amount in fen (分, 0.01 CNY); never negative.
        description (str | Unset): What it is for (付费说明), at most 30 characters. Example: 就餐人均100元.
        count (int | Unset): Count (付费数量), 1 to 100. Example: 4.
    """

    name: str
    amount: int
    description: str | Unset = UNSET
    count: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        amount = self.amount

        description = self.description

        count = self.count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "amount": amount,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "PostPaymentAmount")
        name = _errors.pop_field(d, "name", "PostPaymentAmount", str)

        amount = _errors.pop_field(d, "amount", "PostPaymentAmount", int)

        description = _errors.pop_field(
            d, "description", "PostPaymentAmount", str, required=False
        )

        count = _errors.pop_field(d, "count", "PostPaymentAmount", int, required=False)

        _errors.refuse_unknown(d, "PostPaymentAmount")
        post_payment_amount = cls(
            name=name,
            amount=amount,
            description=description,
            count=count,
        )

        return post_payment_amount
