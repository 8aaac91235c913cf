from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

T = TypeVar("T", bound="NotifiedCollectionDetail")


@_attrs_define
class NotifiedCollectionDetail:
    """One payment received for the order (收款明细), as a notification carries it.

    Attributes:
        seq (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its decimal
            digits as a string (published samples send `"40000"`). Either form means the same integer; read the string as
            base 10. Example: 40000.
        amount (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its decimal
            digits as a string (published samples send `"40000"`). Either form means the same integer; read the string as
            base 10. Example: 40000.
        paid_type (str | Unset): Through which channel it was paid (`NEWTON`, `MCH`). A plain string. Example: NEWTON.
        paid_time (str | Unset): When it was paid (收款成功时间), `yyyyMMddHHmmss` or `yyyyMMdd`. Example: 20091225091210.
        transaction_id (str | Unset): WeChat Pay's transaction id (微信支付交易单号). Example: 15646546545165651651.
    """

    seq: int | str | Unset = UNSET
    amount: int | str | Unset = UNSET
    paid_type: str | Unset = UNSET
    paid_time: str | Unset = UNSET
    transaction_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq: int | str | Unset
        if isinstance(self.seq, Unset):
            seq = UNSET
        else:
            seq = self.seq

        amount: int | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        paid_type = self.paid_type

        paid_time = self.paid_time

        transaction_id = self.transaction_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if seq is not UNSET:
            field_dict["seq"] = seq
        if amount is not UNSET:
            field_dict["amount"] = amount
        if paid_type is not UNSET:
            field_dict["paid_type"] = paid_type
        if paid_time is not UNSET:
            field_dict["paid_time"] = paid_time
        if transaction_id is not UNSET:
            field_dict["transaction_id"] = transaction_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = _errors.model_dict(src_dict, "NotifiedCollectionDetail")
        _raw_seq = _errors.pop_field(
            d, "seq", "NotifiedCollectionDetail", required=False
        )
        try:

            def _parse_seq(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            seq = _parse_seq(_raw_seq)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedCollectionDetail", "seq") from None

        _raw_amount = _errors.pop_field(
            d, "amount", "NotifiedCollectionDetail", required=False
        )
        try:

            def _parse_amount(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            amount = _parse_amount(_raw_amount)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedCollectionDetail", "amount") from None

        paid_type = _errors.pop_field(
            d, "paid_type", "NotifiedCollectionDetail", str, required=False
        )

        paid_time = _errors.pop_field(
            d, "paid_time", "NotifiedCollectionDetail", str, required=False
        )

        transaction_id = _errors.pop_field(
            d, "transaction_id", "NotifiedCollectionDetail", str, required=False
        )

        notified_collection_detail = cls(
            seq=seq,
            amount=amount,
            paid_type=paid_type,
            paid_time=paid_time,
            transaction_id=transaction_id,
        )

        notified_collection_detail.additional_properties = d
        return notified_collection_detail

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
