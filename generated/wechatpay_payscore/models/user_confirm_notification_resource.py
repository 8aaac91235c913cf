from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserConfirmNotificationResource")


@_attrs_define
class UserConfirmNotificationResource:
    """
    Attributes:
        ciphertext (str | Unset): Encrypted; `contentSchema` is the schema of the plaintext once decrypted with the
            APIv3 key.
    """

    ciphertext: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ciphertext = self.ciphertext

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if ciphertext is not UNSET:
            field_dict["ciphertext"] = ciphertext

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "UserConfirmNotificationResource")
        ciphertext = _errors.pop_field(
            d, "ciphertext", "UserConfirmNotificationResource", str, required=False
        )

        user_confirm_notification_resource = cls(
            ciphertext=ciphertext,
        )

        user_confirm_notification_resource.additional_properties = d
        return user_confirm_notification_resource

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
