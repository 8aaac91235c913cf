from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors

T = TypeVar("T", bound="NotificationFailure")


@_attrs_define
class NotificationFailure:
    """The body of a failure answer to a notification (4xx or 5xx); WeChat Pay sends it again.

    Attributes:
        code (str): `FAIL`. Example: FAIL.
        message (str): Why (failure reason), for WeChat Pay's records. Example: 失败.
    """

    code: str
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "NotificationFailure")
        code = _errors.pop_field(d, "code", "NotificationFailure", str)

        message = _errors.pop_field(d, "message", "NotificationFailure", str)

        notification_failure = cls(
            code=code,
            message=message,
        )

        notification_failure.additional_properties = d
        return notification_failure

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
