from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.location_input import LocationInput
    from ..models.post_discount_amount import PostDiscountAmount
    from ..models.post_payment_amount import PostPaymentAmount
    from ..models.time_range_input import TimeRangeInput


T = TypeVar("T", bound="CompleteServiceOrderRequest")


@_attrs_define
class CompleteServiceOrderRequest:
    """What the service cost. The amount rule is the operation's `x-rules`.

    Attributes:
        service_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        sub_mchid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        channel_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        post_payments (list[PostPaymentAmount]): The charges (后付费项目), 1 to 100; they replace those given at creation.
        total_amount (int): An amount in fen (分, 0.01 CNY); never negative.
        post_discounts (list[PostDiscountAmount] | Unset): The discounts (后付费商户优惠), at most 30, names unique; they
            replace those given at creation.
        time_range (TimeRangeInput | Unset): When the service runs (服务时间段), Beijing time.
        location (LocationInput | Unset): Where the service takes place (服务位置).
        complete_time (str | Unset): When the service ended (服务完成时间), RFC 3339, e.g. `2019-11-11T16:24:05+08:00`.
            Example: 2030-12-25T12:10:10+08:00.
        profit_sharing (bool | Unset): Whether the payment is to be shared (微信支付服务分账标记). Example: False.
        goods_tag (str | Unset): Promotion tag (订单优惠标记). Example: goods_tag.
    """

    service_id: str
    sub_mchid: str
    channel_id: str
    post_payments: list[PostPaymentAmount]
    total_amount: int
    post_discounts: list[PostDiscountAmount] | Unset = UNSET
    time_range: TimeRangeInput | Unset = UNSET
    location: LocationInput | Unset = UNSET
    complete_time: str | Unset = UNSET
    profit_sharing: bool | Unset = UNSET
    goods_tag: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service_id = self.service_id

        sub_mchid = self.sub_mchid

        channel_id = self.channel_id

        post_payments = []
        for post_payments_item_data in self.post_payments:
            post_payments_item = post_payments_item_data.to_dict()
            post_payments.append(post_payments_item)

        total_amount = self.total_amount

        post_discounts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.post_discounts, Unset):
            post_discounts = []
            for post_discounts_item_data in self.post_discounts:
                post_discounts_item = post_discounts_item_data.to_dict()
                post_discounts.append(post_discounts_item)

        time_range: dict[str, Any] | Unset = UNSET
        if not isinstance(self.time_range, Unset):
            time_range = self.time_range.to_dict()

        location: dict[str, Any] | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.to_dict()

        complete_time = self.complete_time

        profit_sharing = self.profit_sharing

        goods_tag = self.goods_tag

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service_id": service_id,
                "sub_mchid": sub_mchid,
                "channel_id": channel_id,
                "post_payments": post_payments,
                "total_amount": total_amount,
            }
        )
        if post_discounts is not UNSET:
            field_dict["post_discounts"] = post_discounts
        if time_range is not UNSET:
            field_dict["time_range"] = time_range
        if location is not UNSET:
            field_dict["location"] = location
        if complete_time is not UNSET:
            field_dict["complete_time"] = complete_time
        if profit_sharing is not UNSET:
            field_dict["profit_sharing"] = profit_sharing
        if goods_tag is not UNSET:
            field_dict["goods_tag"] = goods_tag

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.location_input import LocationInput  # noqa: PLC0415
        from ..models.post_discount_amount import PostDiscountAmount  # noqa: PLC0415
        from ..models.post_payment_amount import PostPaymentAmount  # noqa: PLC0415
        from ..models.time_range_input import TimeRangeInput  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "CompleteServiceOrderRequest")
        service_id = _errors.pop_field(
            d, "service_id", "CompleteServiceOrderRequest", str
        )

        sub_mchid = _errors.pop_field(
            d, "sub_mchid", "CompleteServiceOrderRequest", str
        )

        channel_id = _errors.pop_field(
            d, "channel_id", "CompleteServiceOrderRequest", str
        )

        _raw_post_payments = _errors.pop_field(
            d, "post_payments", "CompleteServiceOrderRequest", list
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
            raise exc.inside("CompleteServiceOrderRequest", "post_payments[]") from None

        total_amount = _errors.pop_field(
            d, "total_amount", "CompleteServiceOrderRequest", int
        )

        _raw_post_discounts = _errors.pop_field(
            d, "post_discounts", "CompleteServiceOrderRequest", list, required=False
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
            raise exc.inside(
                "CompleteServiceOrderRequest", "post_discounts[]"
            ) from None

        _raw_time_range = _errors.pop_field(
            d, "time_range", "CompleteServiceOrderRequest", Mapping, required=False
        )
        try:
            _time_range = _raw_time_range
            time_range: TimeRangeInput | Unset
            if isinstance(_time_range, Unset):
                time_range = UNSET
            else:
                time_range = TimeRangeInput.from_dict(_time_range)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CompleteServiceOrderRequest", "time_range") from None

        _raw_location = _errors.pop_field(
            d, "location", "CompleteServiceOrderRequest", Mapping, required=False
        )
        try:
            _location = _raw_location
            location: LocationInput | Unset
            if isinstance(_location, Unset):
                location = UNSET
            else:
                location = LocationInput.from_dict(_location)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CompleteServiceOrderRequest", "location") from None

        complete_time = _errors.pop_field(
            d, "complete_time", "CompleteServiceOrderRequest", str, required=False
        )

        profit_sharing = _errors.pop_field(
            d, "profit_sharing", "CompleteServiceOrderRequest", bool, required=False
        )

        goods_tag = _errors.pop_field(
            d, "goods_tag", "CompleteServiceOrderRequest", str, required=False
        )

        _errors.refuse_unknown(d, "CompleteServiceOrderRequest")
        complete_service_order_request = cls(
            service_id=service_id,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            post_payments=post_payments,
            total_amount=total_amount,
            post_discounts=post_discounts,
            time_range=time_range,
            location=location,
            complete_time=complete_time,
            profit_sharing=profit_sharing,
            goods_tag=goods_tag,
        )

        return complete_service_order_request
