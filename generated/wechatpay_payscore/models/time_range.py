from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="TimeRange")


@_attrs_define
class TimeRange:
    """When the service runs (服务时间段).

    Attributes:
        start_time (str | Unset): Start (服务开始时间), `yyyyMMddHHmmss`, `yyyyMMdd` or `OnAccept`, Beijing time. Example:
            20091225091010.
        start_time_remark (str | Unset): Remark on the start (服务开始时间备注). Example: 备注1.
        end_time (str | Unset): End (预计服务结束时间), `yyyyMMddHHmmss` or `yyyyMMdd`, Beijing time. Example: 20091225121010.
        end_time_remark (str | Unset): Remark on the end (预计服务结束时间备注). Example: 备注2.
    """

    start_time: str | Unset = UNSET
    start_time_remark: str | Unset = UNSET
    end_time: str | Unset = UNSET
    end_time_remark: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_time = self.start_time

        start_time_remark = self.start_time_remark

        end_time = self.end_time

        end_time_remark = self.end_time_remark

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if start_time is not UNSET:
            field_dict["start_time"] = start_time
        if start_time_remark is not UNSET:
            field_dict["start_time_remark"] = start_time_remark
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if end_time_remark is not UNSET:
            field_dict["end_time_remark"] = end_time_remark

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "TimeRange")
        start_time = _errors.pop_field(
            d, "start_time", "TimeRange", str, required=False
        )

        start_time_remark = _errors.pop_field(
            d, "start_time_remark", "TimeRange", str, required=False
        )

        end_time = _errors.pop_field(d, "end_time", "TimeRange", str, required=False)

        end_time_remark = _errors.pop_field(
            d, "end_time_remark", "TimeRange", str, required=False
        )

        time_range = cls(
            start_time=start_time,
            start_time_remark=start_time_remark,
            end_time=end_time,
            end_time_remark=end_time_remark,
        )

        time_range.additional_properties = d
        return time_range

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
