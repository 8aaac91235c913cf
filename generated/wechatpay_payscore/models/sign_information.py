from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignInformation")


@_attrs_define
class SignInformation:
    """What WeChat Pay verified, echoed in a `401 SIGN_ERROR`. Compare it with the message you signed.

    Attributes:
        method (str | Unset): The HTTP method WeChat Pay used in the message. Example: POST.
        url (str | Unset): The URL line WeChat Pay used in the message (path and query as received). Example:
            /v3/payscore/acquiringbank/serviceorder/1234323JKHDFE1243252/sync.
        sign_message_length (int | Unset): The length in bytes of the message WeChat Pay verified. Example: 262.
        truncated_sign_message (str | Unset): The beginning of that message, with line feeds shown as `\\n`. Example:
            POST\\n/v3/payscore/acquiringbank/serviceorder/1234323JKHDFE1243252/sync\\n1
            700000000\\n.
    """

    method: str | Unset = UNSET
    url: str | Unset = UNSET
    sign_message_length: int | Unset = UNSET
    truncated_sign_message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        method = self.method

        url = self.url

        sign_message_length = self.sign_message_length

        truncated_sign_message = self.truncated_sign_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if method is not UNSET:
            field_dict["method"] = method
        if url is not UNSET:
            field_dict["url"] = url
        if sign_message_length is not UNSET:
            field_dict["sign_message_length"] = sign_message_length
        if truncated_sign_message is not UNSET:
            field_dict["truncated_sign_message"] = truncated_sign_message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "SignInformation")
        method = _errors.pop_field(d, "method", "SignInformation", str, required=False)

        url = _errors.pop_field(d, "url", "SignInformation", str, required=False)

        sign_message_length = _errors.pop_field(
            d, "sign_message_length", "SignInformation", int, required=False
        )

        truncated_sign_message = _errors.pop_field(
            d, "truncated_sign_message", "SignInformation", str, required=False
        )

        sign_information = cls(
            method=method,
            url=url,
            sign_message_length=sign_message_length,
            truncated_sign_message=truncated_sign_message,
        )

        sign_information.additional_properties = d
        return sign_information

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
