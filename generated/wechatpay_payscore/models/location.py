from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="Location")


@_attrs_define
class Location:
    """Where the service takes place (服务位置).

    Attributes:
        start_location (str | Unset): Where it starts (服务开始地点). Example: 嗨客时尚主题展餐厅.
        end_location (str | Unset): Where it ends (预计服务结束位置). Example: 嗨客时尚主题展餐厅.
    """

    start_location: str | Unset = UNSET
    end_location: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_location = self.start_location

        end_location = self.end_location

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if start_location is not UNSET:
            field_dict["start_location"] = start_location
        if end_location is not UNSET:
            field_dict["end_location"] = end_location

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "Location")
        start_location = _errors.pop_field(
            d, "start_location", "Location", str, required=False
        )

        end_location = _errors.pop_field(
            d, "end_location", "Location", str, required=False
        )

        location = cls(
            start_location=start_location,
            end_location=end_location,
        )

        location.additional_properties = d
        return location

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
