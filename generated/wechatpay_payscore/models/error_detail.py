from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sign_information import SignInformation


T = TypeVar("T", bound="ErrorDetail")


@_attrs_define
class ErrorDetail:
    """Optional details. For a parameter error: the offending `field` (a JSON pointer for a body field), its `value`, the
    `issue` and the `location` (`body`, `path`, `query` or `header`). For `401 SIGN_ERROR`: `sign_information`, an echo
    of what WeChat Pay verified.

        Attributes:
            field (str | Unset): The offending field; a JSON pointer (e.g. `/detail/paid_time`) for a body field. Example:
                /detail/paid_time.
            value (Any | Unset): The offending value, as received. Example: 20091325091210.
            issue (str | Unset): What is wrong with the value. Example: does not match the pattern.
            location (str | Unset): Where the field is (`body`, `path`, `query` or `header`). Example: body.
            sign_information (SignInformation | Unset): What WeChat Pay verified, echoed in a `401 SIGN_ERROR`. Compare it
                with the message you signed.
    """

    field: str | Unset = UNSET
    value: Any | Unset = UNSET
    issue: str | Unset = UNSET
    location: str | Unset = UNSET
    sign_information: SignInformation | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        value = self.value

        issue = self.issue

        location = self.location

        sign_information: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sign_information, Unset):
            sign_information = self.sign_information.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if field is not UNSET:
            field_dict["field"] = field
        if value is not UNSET:
            field_dict["value"] = value
        if issue is not UNSET:
            field_dict["issue"] = issue
        if location is not UNSET:
            field_dict["location"] = location
        if sign_information is not UNSET:
            field_dict["sign_information"] = sign_information

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sign_information import SignInformation  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "ErrorDetail")
        field = _errors.pop_field(d, "field", "ErrorDetail", str, required=False)

        value = _errors.pop_field(d, "value", "ErrorDetail", required=False)

        issue = _errors.pop_field(d, "issue", "ErrorDetail", str, required=False)

        location = _errors.pop_field(d, "location", "ErrorDetail", str, required=False)

        _raw_sign_information = _errors.pop_field(
            d, "sign_information", "ErrorDetail", Mapping, required=False
        )
        try:
            _sign_information = _raw_sign_information
            sign_information: SignInformation | Unset
            if isinstance(_sign_information, Unset):
                sign_information = UNSET
            else:
                sign_information = SignInformation.from_dict(_sign_information)

        except _errors.InvalidModelError as exc:
            raise exc.inside("ErrorDetail", "sign_information") from None

        error_detail = cls(
            field=field,
            value=value,
            issue=issue,
            location=location,
            sign_information=sign_information,
        )

        error_detail.additional_properties = d
        return error_detail

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
