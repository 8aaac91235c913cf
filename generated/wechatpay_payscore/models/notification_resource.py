from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="NotificationResource")


@_attrs_define
class NotificationResource:
    """The encrypted resource of a notification (通知数据).

    Attributes:
        algorithm (str): The AEAD algorithm (加密算法类型), `AEAD_AES_256_GCM` (or `AEAD_SM4_GCM`). Example: AEAD_AES_256_GCM.
        ciphertext (str): The encrypted resource with its tag, standard Base64 (数据密文).
        nonce (str): The 12-character nonce of the encryption (随机串). Example: fdasflkja484w.
        associated_data (str | Unset): The associated data of the encryption (附加数据); may be empty or absent (then
            empty).
        original_type (str | Unset): The kind of object encrypted (原始回调类型), `payscore`. Example: payscore.
    """

    algorithm: str
    ciphertext: str
    nonce: str
    associated_data: str | Unset = UNSET
    original_type: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        algorithm = self.algorithm

        ciphertext = self.ciphertext

        nonce = self.nonce

        associated_data = self.associated_data

        original_type = self.original_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "algorithm": algorithm,
                "ciphertext": ciphertext,
                "nonce": nonce,
            }
        )
        if associated_data is not UNSET:
            field_dict["associated_data"] = associated_data
        if original_type is not UNSET:
            field_dict["original_type"] = original_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "NotificationResource")
        algorithm = _errors.pop_field(d, "algorithm", "NotificationResource", str)

        ciphertext = _errors.pop_field(d, "ciphertext", "NotificationResource", str)

        nonce = _errors.pop_field(d, "nonce", "NotificationResource", str)

        associated_data = _errors.pop_field(
            d, "associated_data", "NotificationResource", str, required=False
        )

        original_type = _errors.pop_field(
            d, "original_type", "NotificationResource", str, required=False
        )

        notification_resource = cls(
            algorithm=algorithm,
            ciphertext=ciphertext,
            nonce=nonce,
            associated_data=associated_data,
            original_type=original_type,
        )

        notification_resource.additional_properties = d
        return notification_resource

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
