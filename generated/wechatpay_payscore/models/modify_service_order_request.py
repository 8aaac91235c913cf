from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.post_discount_amount import PostDiscountAmount
    from ..models.post_payment_amount import PostPaymentAmount


T = TypeVar("T", bound="ModifyServiceOrderRequest")


@_attrs_define
class ModifyServiceOrderRequest:
    """The lowered amount and why. The rules are the operation's `x-rules`.

    Attributes:
        service_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        sub_mchid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        channel_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        post_payments (list[PostPaymentAmount]): The charges (后付费项目), 1 to 100; they replace the complete's.
        total_amount (int): An amount in fen (分, 0.01 CNY); never negative.
        reason (str): Why, at most 50 characters, shown to the user. A re-send must repeat it exactly.
        post_discounts (list[PostDiscountAmount] | Unset): The discounts (后付费商户优惠), at most 30, names unique; they
            replace the complete's.
    """

    service_id: str
    sub_mchid: str
    channel_id: str
    post_payments: list[PostPaymentAmount]
    total_amount: int
    reason: str
    post_discounts: list[PostDiscountAmount] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service_id = self.service_id

        sub_mchid = self.sub_mchid

        channel_id = self.channel_id

        post_payments = []
        for post_payments_item_data in self.post_payments:
            post_payments_item = post_payments_item_data.to_dict()
            post_payments.append(post_payments_item)

        total_amount = self.total_amount

        reason = self.reason

        post_discounts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.post_discounts, Unset):
            post_discounts = []
            for post_discounts_item_data in self.post_discounts:
                post_discounts_item = post_discounts_item_data.to_dict()
                post_discounts.append(post_discounts_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service_id": service_id,
                "sub_mchid": sub_mchid,
                "channel_id": channel_id,
                "post_payments": post_payments,
                "total_amount": total_amount,
                "reason": reason,
            }
        )
        if post_discounts is not UNSET:
            field_dict["post_discounts"] = post_discounts

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.post_discount_amount import PostDiscountAmount  # noqa: PLC0415
        from ..models.post_payment_amount import PostPaymentAmount  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "ModifyServiceOrderRequest")
        service_id = _errors.pop_field(
            d, "service_id", "ModifyServiceOrderRequest", str
        )

        sub_mchid = _errors.pop_field(d, "sub_mchid", "ModifyServiceOrderRequest", str)

        channel_id = _errors.pop_field(
            d, "channel_id", "ModifyServiceOrderRequest", str
        )

        _raw_post_payments = _errors.pop_field(
            d, "post_payments", "ModifyServiceOrderRequest", list
        )
        try:
            post_payments = []
            _post_payments = _raw_post_payments
            for post_payments_item_data in _post_payments:
                post_payments_item = PostPaymentAmount.from_dict(
                    post_payments_item_data
                )

                post_payments.append(post_payments_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("ModifyServiceOrderRequest", "post_payments[]") from None

        total_amount = _errors.pop_field(
            d, "total_amount", "ModifyServiceOrderRequest", int
        )

        reason = _errors.pop_field(d, "reason", "ModifyServiceOrderRequest", str)

        _raw_post_discounts = _errors.pop_field(
            d, "post_discounts", "ModifyServiceOrderRequest", list, required=False
        )
        try:
            _post_discounts = _raw_post_discounts
            post_discounts: list[PostDiscountAmount] | Unset = UNSET
            if _post_discounts is not UNSET:
                post_discounts = []
                for post_discounts_item_data in _post_discounts:
                    post_discounts_item = PostDiscountAmount.from_dict(
                        post_discounts_item_data
                    )

                    post_discounts.append(post_discounts_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("ModifyServiceOrderRequest", "post_discounts[]") from None

        _errors.refuse_unknown(d, "ModifyServiceOrderRequest")
        modify_service_order_request = cls(
            service_id=service_id,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            post_payments=post_payments,
            total_amount=total_amount,
            reason=reason,
            post_discounts=post_discounts,
        )

        return modify_service_order_request
