from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="TimeRangeInput")


@_attrs_define
class TimeRangeInput:
    """When the service runs (服务时间段), Beijing time.

    Attributes:
        start_time (str): Start (服务开始时间), `yyyyMMddHHmmss`, `yyyyMMdd` or `OnAccept` (when the user confirms). Example:
            20301225091010.
        start_time_remark (str | Unset): Remark on the start (服务开始时间备注), at most 20 characters. Example: 备注1.
        end_time (str | Unset): End (预计服务结束时间), `yyyyMMddHHmmss` or `yyyyMMdd` (23:59:59 that day). Example:
            20301225121010.
        end_time_remark (str | Unset): Remark on the end (预计服务结束时间备注), at most 20 characters. Example: 备注2.
    """

    start_time: str
    start_time_remark: str | Unset = UNSET
    end_time: str | Unset = UNSET
    end_time_remark: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        start_time = self.start_time

        start_time_remark = self.start_time_remark

        end_time = self.end_time

        end_time_remark = self.end_time_remark

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "start_time": start_time,
            }
        )
        if start_time_remark is not UNSET:
            field_dict["start_time_remark"] = start_time_remark
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if end_time_remark is not UNSET:
            field_dict["end_time_remark"] = end_time_remark

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "TimeRangeInput")
        start_time = _errors.pop_field(d, "start_time", "TimeRangeInput", str)

        start_time_remark = _errors.pop_field(
            d, "start_time_remark", "TimeRangeInput", str, required=False
        )

        end_time = _errors.pop_field(
            d, "end_time", "TimeRangeInput", str, required=False
        )

        end_time_remark = _errors.pop_field(
            d, "end_time_remark", "TimeRangeInput", str, required=False
        )

        _errors.refuse_unknown(d, "TimeRangeInput")
        time_range_input = cls(
            start_time=start_time,
            start_time_remark=start_time_remark,
            end_time=end_time,
            end_time_remark=end_time_remark,
        )

        return time_range_input
