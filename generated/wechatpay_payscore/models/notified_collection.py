from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.notified_collection_detail import NotifiedCollectionDetail


T = TypeVar("T", bound="NotifiedCollection")


@_attrs_define
class NotifiedCollection:
    """What has been collected for the order (收款信息), as a notification carries it.

    Attributes:
        state (str | Unset): Collection state (`USER_PAYING`, `USER_PAID`). A plain string. Example: USER_PAID.
        total_amount (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its
            decimal digits as a string (published samples send `"40000"`). Either form means the same integer; read the
            string as base 10. Example: 40000.
        paying_amount (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its
            decimal digits as a string (published samples send `"40000"`). Either form means the same integer; read the
            string as base 10. Example: 40000.
        paid_amount (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its
            decimal digits as a string (published samples send `"40000"`). Either form means the same integer; read the
            string as base 10. Example: 40000.
        details (list[NotifiedCollectionDetail] | Unset): One entry per payment received (收款明细列表).
    """

    state: str | Unset = UNSET
    total_amount: int | str | Unset = UNSET
    paying_amount: int | str | Unset = UNSET
    paid_amount: int | str | Unset = UNSET
    details: list[NotifiedCollectionDetail] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        state = self.state

        total_amount: int | str | Unset
        if isinstance(self.total_amount, Unset):
            total_amount = UNSET
        else:
            total_amount = self.total_amount

        paying_amount: int | str | Unset
        if isinstance(self.paying_amount, Unset):
            paying_amount = UNSET
        else:
            paying_amount = self.paying_amount

        paid_amount: int | str | Unset
        if isinstance(self.paid_amount, Unset):
            paid_amount = UNSET
        else:
            paid_amount = self.paid_amount

        details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = []
            for details_item_data in self.details:
                details_item = details_item_data.to_dict()
                details.append(details_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if state is not UNSET:
            field_dict["state"] = state
        if total_amount is not UNSET:
            field_dict["total_amount"] = total_amount
        if paying_amount is not UNSET:
            field_dict["paying_amount"] = paying_amount
        if paid_amount is not UNSET:
            field_dict["paid_amount"] = paid_amount
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.notified_collection_detail import NotifiedCollectionDetail  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "NotifiedCollection")
        state = _errors.pop_field(d, "state", "NotifiedCollection", str, required=False)

        _raw_total_amount = _errors.pop_field(
            d, "total_amount", "NotifiedCollection", required=False
        )
        try:

            def _parse_total_amount(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            total_amount = _parse_total_amount(_raw_total_amount)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedCollection", "total_amount") from None

        _raw_paying_amount = _errors.pop_field(
            d, "paying_amount", "NotifiedCollection", required=False
        )
        try:

            def _parse_paying_amount(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            paying_amount = _parse_paying_amount(_raw_paying_amount)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedCollection", "paying_amount") from None

        _raw_paid_amount = _errors.pop_field(
            d, "paid_amount", "NotifiedCollection", required=False
        )
        try:

            def _parse_paid_amount(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            paid_amount = _parse_paid_amount(_raw_paid_amount)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedCollection", "paid_amount") from None

        _raw_details = _errors.pop_field(
            d, "details", "NotifiedCollection", list, required=False
        )
        try:
            _details = _raw_details
            details: list[NotifiedCollectionDetail] | Unset = UNSET
            if _details is not UNSET:
                details = []
                for details_item_data in _details:
                    details_item = NotifiedCollectionDetail.from_dict(details_item_data)

                    details.append(details_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedCollection", "details[]") from None

        notified_collection = cls(
            state=state,
            total_amount=total_amount,
            paying_amount=paying_amount,
            paid_amount=paid_amount,
            details=details,
        )

        notified_collection.additional_properties = d
        return notified_collection

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
