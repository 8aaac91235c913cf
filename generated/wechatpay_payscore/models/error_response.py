from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_detail import ErrorDetail


T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """The body of every APIv3 error answer.

    Attributes:
        code (str): Machine-readable error code, e.g. `PARAM_ERROR`; the codes of each status are listed with it.
            Example: ORDER_DONE.
        message (str): Human-readable description, often in Chinese. Example: 订单已完成.
        detail (ErrorDetail | Unset): Optional details. For a parameter error: the offending `field` (a JSON pointer for
            a body field), its `value`, the `issue` and the `location` (`body`, `path`, `query` or `header`). For `401
            SIGN_ERROR`: `sign_information`, an echo of what WeChat Pay verified.
    """

    code: str
    message: str
    detail: ErrorDetail | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        detail: dict[str, Any] | Unset = UNSET
        if not isinstance(self.detail, Unset):
            detail = self.detail.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if detail is not UNSET:
            field_dict["detail"] = detail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_detail import ErrorDetail  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "ErrorResponse")
        code = _errors.pop_field(d, "code", "ErrorResponse", str)

        message = _errors.pop_field(d, "message", "ErrorResponse", str)

        _raw_detail = _errors.pop_field(
            d, "detail", "ErrorResponse", Mapping, required=False
        )
        try:
            _detail = _raw_detail
            detail: ErrorDetail | Unset
            if isinstance(_detail, Unset):
                detail = UNSET
            else:
                detail = ErrorDetail.from_dict(_detail)

        except _errors.InvalidModelError as exc:
            raise exc.inside("ErrorResponse", "detail") from None

        error_response = cls(
            code=code,
            message=message,
            detail=detail,
        )

        error_response.additional_properties = d
        return error_response

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
