from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors

T = TypeVar("T", bound="Deduction")


@_attrs_define
class Deduction:
    """The deduction registered for an order.

    Attributes:
        description (str): What the user is shown (商品或支付单简要描述). Example: QQ充电宝服务.
        out_trade_no (str): The deduction order's number (商户扣款单号). Example: DEDUCT20301225001.
    """

    description: str
    out_trade_no: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        out_trade_no = self.out_trade_no

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "description": description,
                "out_trade_no": out_trade_no,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "Deduction")
        description = _errors.pop_field(d, "description", "Deduction", str)

        out_trade_no = _errors.pop_field(d, "out_trade_no", "Deduction", str)

        deduction = cls(
            description=description,
            out_trade_no=out_trade_no,
        )

        deduction.additional_properties = d
        return deduction

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
