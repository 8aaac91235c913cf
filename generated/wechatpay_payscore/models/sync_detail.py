from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors

T = TypeVar("T", bound="SyncDetail")


@_attrs_define
class SyncDetail:
    """Details of the event named by `type`.

    Attributes:
        paid_time (str): When the user paid (收款成功时间), Beijing time (UTC+8), as `yyyyMMddHHmmss` or `yyyyMMdd`; the date-
            only form means 00:00:00 of that day. The format `wechatpay-paid-time` adds calendar validity to the pattern:
            the day must exist in that month (no 30 February; 29 February only in leap years). Not an RFC 3339 `date-time`.
            Example: 20091225091210.
    """

    paid_time: str

    def to_dict(self) -> dict[str, Any]:
        paid_time = self.paid_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "paid_time": paid_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "SyncDetail")
        paid_time = _errors.pop_field(d, "paid_time", "SyncDetail", str)

        _errors.refuse_unknown(d, "SyncDetail")
        sync_detail = cls(
            paid_time=paid_time,
        )

        return sync_detail
