from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.promotion_detail import PromotionDetail


T = TypeVar("T", bound="CollectionDetail")


@_attrs_define
class CollectionDetail:
    """One payment received for the order (收款明细).

    Attributes:
        seq (int | Unset): Sequence number of the payment (收款序号), from 1. Example: 1.
        amount (int | Unset): Amount of this payment (单笔收款金额), in fen. Example: 39800.
        paid_type (str | Unset): Through which channel it was paid (收款成功渠道). Known values: `NEWTON` (WeChat Pay Score),
            `MCH` (the merchant's channel — what a sync records). A plain string: other values may appear. Example: MCH.
        paid_time (str | Unset): When it was paid (收款成功时间), `yyyyMMddHHmmss` or `yyyyMMdd`, Beijing time. Example:
            20091225091210.
        transaction_id (str | Unset): WeChat Pay's transaction id (微信支付交易单号); only for a payment through WeChat Pay
            Score. Example: 15646546545165651651.
        promotion_detail (list[PromotionDetail] | Unset): The promotions applied to this payment (优惠功能).
    """

    seq: int | Unset = UNSET
    amount: int | Unset = UNSET
    paid_type: str | Unset = UNSET
    paid_time: str | Unset = UNSET
    transaction_id: str | Unset = UNSET
    promotion_detail: list[PromotionDetail] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        amount = self.amount

        paid_type = self.paid_type

        paid_time = self.paid_time

        transaction_id = self.transaction_id

        promotion_detail: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.promotion_detail, Unset):
            promotion_detail = []
            for promotion_detail_item_data in self.promotion_detail:
                promotion_detail_item = promotion_detail_item_data.to_dict()
                promotion_detail.append(promotion_detail_item)

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
        if promotion_detail is not UNSET:
            field_dict["promotion_detail"] = promotion_detail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promotion_detail import PromotionDetail  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "CollectionDetail")
        seq = _errors.pop_field(d, "seq", "CollectionDetail", int, required=False)

        amount = _errors.pop_field(d, "amount", "CollectionDetail", int, required=False)

        paid_type = _errors.pop_field(
            d, "paid_type", "CollectionDetail", str, required=False
        )

        paid_time = _errors.pop_field(
            d, "paid_time", "CollectionDetail", str, required=False
        )

        transaction_id = _errors.pop_field(
            d, "transaction_id", "CollectionDetail", str, required=False
        )

        _raw_promotion_detail = _errors.pop_field(
            d, "promotion_detail", "CollectionDetail", list, required=False
        )
        try:
            _promotion_detail = _raw_promotion_detail
            promotion_detail: list[PromotionDetail] | Unset = UNSET
            if _promotion_detail is not UNSET:
                promotion_detail = []
                for promotion_detail_item_data in _promotion_detail:
                    promotion_detail_item = PromotionDetail.from_dict(
                        promotion_detail_item_data
                    )

                    promotion_detail.append(promotion_detail_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CollectionDetail", "promotion_detail[]") from None

        collection_detail = cls(
            seq=seq,
            amount=amount,
            paid_type=paid_type,
            paid_time=paid_time,
            transaction_id=transaction_id,
            promotion_detail=promotion_detail,
        )

        collection_detail.additional_properties = d
        return collection_detail

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
