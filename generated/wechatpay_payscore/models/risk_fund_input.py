from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="RiskFundInput")


@_attrs_define
class RiskFundInput:
    """The service's risk fund (订单风险金). `name` is a value of the deposit-first mode's list; `DEPOSIT` is the one value seen
    for this family (the full list was not published with it), so it is a plain upper-case word here.

        Attributes:
            name (str): Kind of risk fund (风险金名称), e.g. `DEPOSIT`. Example: DEPOSIT.
            amount (int): An amount in fen (分, 0.01 CNY); never negative.
            description (str | Unset): What it covers (风险说明), at most 30 characters. Example: 就餐的预估费用.
    """

    name: str
    amount: int
    description: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        amount = self.amount

        description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "amount": amount,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "RiskFundInput")
        name = _errors.pop_field(d, "name", "RiskFundInput", str)

        amount = _errors.pop_field(d, "amount", "RiskFundInput", int)

        description = _errors.pop_field(
            d, "description", "RiskFundInput", str, required=False
        )

        _errors.refuse_unknown(d, "RiskFundInput")
        risk_fund_input = cls(
            name=name,
            amount=amount,
            description=description,
        )

        return risk_fund_input
