from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="LocationInput")


@_attrs_define
class LocationInput:
    """Where the service takes place (服务位置).

    Attributes:
        start_location (str | Unset): Where it starts (服务开始地点), at most 50 characters. Example: 嗨客时尚主题展餐厅.
        end_location (str | Unset): Where it ends (预计服务结束位置), at most 50 characters. Example: 嗨客时尚主题展餐厅.
    """

    start_location: str | Unset = UNSET
    end_location: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        start_location = self.start_location

        end_location = self.end_location

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if start_location is not UNSET:
            field_dict["start_location"] = start_location
        if end_location is not UNSET:
            field_dict["end_location"] = end_location

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "LocationInput")
        start_location = _errors.pop_field(
            d, "start_location", "LocationInput", str, required=False
        )

        end_location = _errors.pop_field(
            d, "end_location", "LocationInput", str, required=False
        )

        _errors.refuse_unknown(d, "LocationInput")
        location_input = cls(
            start_location=start_location,
            end_location=end_location,
        )

        return location_input
