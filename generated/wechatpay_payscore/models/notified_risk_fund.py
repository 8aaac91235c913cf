from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="NotifiedRiskFund")


@_attrs_define
class NotifiedRiskFund:
    """The service's risk fund (订单风险金), as a notification carries it.

    Attributes:
        name (str | Unset): Kind of risk fund (风险金名称). A plain string. Example: DEPOSIT.
        amount (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its decimal
            digits as a string (published samples send `"40000"`). Either form means the same integer; read the string as
            base 10. Example: 40000.
        description (str | Unset): What it covers (风险说明). Example: 就餐的预估费用.
    """

    name: str | Unset = UNSET
    amount: int | str | Unset = UNSET
    description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        amount: int | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
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
        d = _errors.model_dict(src_dict, "NotifiedRiskFund")
        name = _errors.pop_field(d, "name", "NotifiedRiskFund", str, required=False)

        _raw_amount = _errors.pop_field(d, "amount", "NotifiedRiskFund", required=False)
        try:

            def _parse_amount(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            amount = _parse_amount(_raw_amount)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedRiskFund", "amount") from None

        description = _errors.pop_field(
            d, "description", "NotifiedRiskFund", str, required=False
        )

        notified_risk_fund = cls(
            name=name,
            amount=amount,
            description=description,
        )

        notified_risk_fund.additional_properties = d
        return notified_risk_fund

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
