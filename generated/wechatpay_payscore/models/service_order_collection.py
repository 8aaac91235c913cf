from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.collection_detail import CollectionDetail


T = TypeVar("T", bound="ServiceOrderCollection")


@_attrs_define
class ServiceOrderCollection:
    """What has been collected for the order (收款信息).

    Attributes:
        state (str): Collection state (收款状态). Known values: `USER_PAYING` (awaiting payment), `USER_PAID` (paid). A
            plain string: other values may appear. Example: USER_PAID.
        total_amount (int | Unset): Total to collect (总收款金额), in fen. Example: 39800.
        paying_amount (int | Unset): Still to collect (待收金额), in fen. Example: 0.
        paid_amount (int | Unset): Collected (已收金额), in fen. Example: 39800.
        details (list[CollectionDetail] | Unset): One entry per payment received (收款明细列表).
    """

    state: str
    total_amount: int | Unset = UNSET
    paying_amount: int | Unset = UNSET
    paid_amount: int | Unset = UNSET
    details: list[CollectionDetail] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        state = self.state

        total_amount = self.total_amount

        paying_amount = self.paying_amount

        paid_amount = self.paid_amount

        details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = []
            for details_item_data in self.details:
                details_item = details_item_data.to_dict()
                details.append(details_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "state": state,
            }
        )
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
        from ..models.collection_detail import CollectionDetail  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "ServiceOrderCollection")
        state = _errors.pop_field(d, "state", "ServiceOrderCollection", str)

        total_amount = _errors.pop_field(
            d, "total_amount", "ServiceOrderCollection", int, required=False
        )

        paying_amount = _errors.pop_field(
            d, "paying_amount", "ServiceOrderCollection", int, required=False
        )

        paid_amount = _errors.pop_field(
            d, "paid_amount", "ServiceOrderCollection", int, required=False
        )

        _raw_details = _errors.pop_field(
            d, "details", "ServiceOrderCollection", list, required=False
        )
        try:
            _details = _raw_details
            details: list[CollectionDetail] | Unset = UNSET
            if _details is not UNSET:
                details = []
                for details_item_data in _details:
                    details_item = CollectionDetail.from_dict(details_item_data)

                    details.append(details_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("ServiceOrderCollection", "details[]") from None

        service_order_collection = cls(
            state=state,
            total_amount=total_amount,
            paying_amount=paying_amount,
            paid_amount=paid_amount,
            details=details,
        )

        service_order_collection.additional_properties = d
        return service_order_collection

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
