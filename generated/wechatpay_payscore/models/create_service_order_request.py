from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.location_input import LocationInput
    from ..models.post_discount_input import PostDiscountInput
    from ..models.post_payment_input import PostPaymentInput
    from ..models.risk_fund_input import RiskFundInput
    from ..models.time_range_input import TimeRangeInput


T = TypeVar("T", bound="CreateServiceOrderRequest")


@_attrs_define
class CreateServiceOrderRequest:
    """A new service order. Required fields follow the official page and the maintained descriptions.

    Attributes:
        service_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        appid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and no
            characters outside the Basic Multilingual Plane.
        sub_mchid (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        channel_id (str): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control characters and
            no characters outside the Basic Multilingual Plane.
        out_order_no (str): A merchant's order number (商户服务订单号, 商户扣款单号): at most 32 characters of digits, letters and `_
            - | *`, unique per merchant.
        service_introduction (str): A short text shown to the user, at most 20 characters (every character counts one).
        risk_fund (RiskFundInput): The service's risk fund (订单风险金). `name` is a value of the deposit-first mode's list;
            `DEPOSIT` is the one value seen for this family (the full list was not published with it), so it is a plain
            upper-case word here.
        time_range (TimeRangeInput): When the service runs (服务时间段), Beijing time.
        notify_url (str): Where WeChat Pay sends this order's notifications (商户回调地址), an `https://` URL. Example:
            https://api.test.com.
        sub_appid (str | Unset): An id WeChat Pay issued (服务ID, 商户号, 公众账号ID): at most 32 characters, no control
            characters and no characters outside the Basic Multilingual Plane.
        post_payments (list[PostPaymentInput] | Unset): The charges of the service (后付费项目), at most 100.
        post_discounts (list[PostDiscountInput] | Unset): The discounts of the service (后付费商户优惠), at most 30, names
            unique.
        location (LocationInput | Unset): Where the service takes place (服务位置).
        openid (str | Unset): The user's id under `appid`. Example: oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.
        sub_openid (str | Unset): The user's id under `sub_appid`. Example: oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.
        need_user_confirm (bool | Unset): `true` (the acquiring family's guide): the order waits in `CREATED` for the
            user's confirmation. Example: True.
        attach (str | Unset): The merchant's data (商户数据包), echoed by the query. Example:
            Easdfowealsdkjfnlaksjdlfkwqoi&wl3l2sald.
    """

    service_id: str
    appid: str
    sub_mchid: str
    channel_id: str
    out_order_no: str
    service_introduction: str
    risk_fund: RiskFundInput
    time_range: TimeRangeInput
    notify_url: str
    sub_appid: str | Unset = UNSET
    post_payments: list[PostPaymentInput] | Unset = UNSET
    post_discounts: list[PostDiscountInput] | Unset = UNSET
    location: LocationInput | Unset = UNSET
    openid: str | Unset = UNSET
    sub_openid: str | Unset = UNSET
    need_user_confirm: bool | Unset = UNSET
    attach: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service_id = self.service_id

        appid = self.appid

        sub_mchid = self.sub_mchid

        channel_id = self.channel_id

        out_order_no = self.out_order_no

        service_introduction = self.service_introduction

        risk_fund = self.risk_fund.to_dict()

        time_range = self.time_range.to_dict()

        notify_url = self.notify_url

        sub_appid = self.sub_appid

        post_payments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.post_payments, Unset):
            post_payments = []
            for post_payments_item_data in self.post_payments:
                post_payments_item = post_payments_item_data.to_dict()
                post_payments.append(post_payments_item)

        post_discounts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.post_discounts, Unset):
            post_discounts = []
            for post_discounts_item_data in self.post_discounts:
                post_discounts_item = post_discounts_item_data.to_dict()
                post_discounts.append(post_discounts_item)

        location: dict[str, Any] | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.to_dict()

        openid = self.openid

        sub_openid = self.sub_openid

        need_user_confirm = self.need_user_confirm

        attach = self.attach

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service_id": service_id,
                "appid": appid,
                "sub_mchid": sub_mchid,
                "channel_id": channel_id,
                "out_order_no": out_order_no,
                "service_introduction": service_introduction,
                "risk_fund": risk_fund,
                "time_range": time_range,
                "notify_url": notify_url,
            }
        )
        if sub_appid is not UNSET:
            field_dict["sub_appid"] = sub_appid
        if post_payments is not UNSET:
            field_dict["post_payments"] = post_payments
        if post_discounts is not UNSET:
            field_dict["post_discounts"] = post_discounts
        if location is not UNSET:
            field_dict["location"] = location
        if openid is not UNSET:
            field_dict["openid"] = openid
        if sub_openid is not UNSET:
            field_dict["sub_openid"] = sub_openid
        if need_user_confirm is not UNSET:
            field_dict["need_user_confirm"] = need_user_confirm
        if attach is not UNSET:
            field_dict["attach"] = attach

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.location_input import LocationInput  # noqa: PLC0415
        from ..models.post_discount_input import PostDiscountInput  # noqa: PLC0415
        from ..models.post_payment_input import PostPaymentInput  # noqa: PLC0415
        from ..models.risk_fund_input import RiskFundInput  # noqa: PLC0415
        from ..models.time_range_input import TimeRangeInput  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "CreateServiceOrderRequest")
        service_id = _errors.pop_field(
            d, "service_id", "CreateServiceOrderRequest", str
        )

        appid = _errors.pop_field(d, "appid", "CreateServiceOrderRequest", str)

        sub_mchid = _errors.pop_field(d, "sub_mchid", "CreateServiceOrderRequest", str)

        channel_id = _errors.pop_field(
            d, "channel_id", "CreateServiceOrderRequest", str
        )

        out_order_no = _errors.pop_field(
            d, "out_order_no", "CreateServiceOrderRequest", str
        )

        service_introduction = _errors.pop_field(
            d, "service_introduction", "CreateServiceOrderRequest", str
        )

        _raw_risk_fund = _errors.pop_field(
            d, "risk_fund", "CreateServiceOrderRequest", Mapping
        )
        try:
            risk_fund = RiskFundInput.from_dict(_raw_risk_fund)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreateServiceOrderRequest", "risk_fund") from None

        _raw_time_range = _errors.pop_field(
            d, "time_range", "CreateServiceOrderRequest", Mapping
        )
        try:
            time_range = TimeRangeInput.from_dict(_raw_time_range)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreateServiceOrderRequest", "time_range") from None

        notify_url = _errors.pop_field(
            d, "notify_url", "CreateServiceOrderRequest", str
        )

        sub_appid = _errors.pop_field(
            d, "sub_appid", "CreateServiceOrderRequest", str, required=False
        )

        _raw_post_payments = _errors.pop_field(
            d, "post_payments", "CreateServiceOrderRequest", list, required=False
        )
        try:
            _post_payments = _raw_post_payments
            post_payments: list[PostPaymentInput] | Unset = UNSET
            if _post_payments is not UNSET:
                post_payments = []
                for post_payments_item_data in _post_payments:
                    post_payments_item = PostPaymentInput.from_dict(
                        post_payments_item_data
                    )

                    post_payments.append(post_payments_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreateServiceOrderRequest", "post_payments[]") from None

        _raw_post_discounts = _errors.pop_field(
            d, "post_discounts", "CreateServiceOrderRequest", list, required=False
        )
        try:
            _post_discounts = _raw_post_discounts
            post_discounts: list[PostDiscountInput] | Unset = UNSET
            if _post_discounts is not UNSET:
                post_discounts = []
                for post_discounts_item_data in _post_discounts:
                    post_discounts_item = PostDiscountInput.from_dict(
                        post_discounts_item_data
                    )

                    post_discounts.append(post_discounts_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreateServiceOrderRequest", "post_discounts[]") from None

        _raw_location = _errors.pop_field(
            d, "location", "CreateServiceOrderRequest", Mapping, required=False
        )
        try:
            _location = _raw_location
            location: LocationInput | Unset
            if isinstance(_location, Unset):
                location = UNSET
            else:
                location = LocationInput.from_dict(_location)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreateServiceOrderRequest", "location") from None

        openid = _errors.pop_field(
            d, "openid", "CreateServiceOrderRequest", str, required=False
        )

        sub_openid = _errors.pop_field(
            d, "sub_openid", "CreateServiceOrderRequest", str, required=False
        )

        need_user_confirm = _errors.pop_field(
            d, "need_user_confirm", "CreateServiceOrderRequest", bool, required=False
        )

        attach = _errors.pop_field(
            d, "attach", "CreateServiceOrderRequest", str, required=False
        )

        _errors.refuse_unknown(d, "CreateServiceOrderRequest")
        create_service_order_request = cls(
            service_id=service_id,
            appid=appid,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            out_order_no=out_order_no,
            service_introduction=service_introduction,
            risk_fund=risk_fund,
            time_range=time_range,
            notify_url=notify_url,
            sub_appid=sub_appid,
            post_payments=post_payments,
            post_discounts=post_discounts,
            location=location,
            openid=openid,
            sub_openid=sub_openid,
            need_user_confirm=need_user_confirm,
            attach=attach,
        )

        return create_service_order_request
