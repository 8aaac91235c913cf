from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="RiskFund")


@_attrs_define
class RiskFund:
    """The service's risk fund (订单风险金).

    Attributes:
        name (str | Unset): Kind of risk fund (风险金名称); `DEPOSIT` is the one value seen for this family. A plain string.
            Example: DEPOSIT.
        amount (int | Unset): Amount (风险金额), in fen. Example: 10000.
        description (str | Unset): What it covers (风险说明). Example: 就餐的预估费用.
    """

    name: str | Unset = UNSET
    amount: int | Unset = UNSET
    description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        amount = self.amount

        description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if amount is not UNSET:
            field_dict["amount"] = amount
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "RiskFund")
        name = _errors.pop_field(d, "name", "RiskFund", str, required=False)

        amount = _errors.pop_field(d, "amount", "RiskFund", int, required=False)

        description = _errors.pop_field(
            d, "description", "RiskFund", str, required=False
        )

        risk_fund = cls(
            name=name,
            amount=amount,
            description=description,
        )

        risk_fund.additional_properties = d
        return risk_fund

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
