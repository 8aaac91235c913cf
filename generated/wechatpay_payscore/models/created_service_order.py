from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.location import Location
    from ..models.post_discount import PostDiscount
    from ..models.post_payment import PostPayment
    from ..models.risk_fund import RiskFund
    from ..models.service_order_collection import ServiceOrderCollection
    from ..models.time_range import TimeRange


T = TypeVar("T", bound="CreatedServiceOrder")


@_attrs_define
class CreatedServiceOrder:
    """The order as created, as the query answers it, plus `package` for the confirm page.

    Attributes:
        out_order_no (str): The merchant's service order number (商户服务订单号). Example: 1234323JKHDFE1243252.
        service_id (str): Pay Score service id (服务ID). Example: 2002000000000558128851361561536.
        appid (str): The acquiring institution's app id (从业机构公众账号ID). Example: wxd678efh567hg6787.
        mchid (str): The acquiring institution's merchant id (从业机构商户号). Example: 1230000109.
        service_introduction (str): What the service is (服务信息), as shown to the user. Example: 某某酒店.
        state (str): The order's state (服务订单状态). Known values: `CREATED` (created by the merchant), `DOING` (in
            progress), `DONE` (completed, final), `REVOKED` (cancelled by the merchant, final), `EXPIRED` (lapsed, final).
            Read it together with `state_description` and `collection.state`. A plain string: other values may appear.
            Example: DONE.
        order_id (str): WeChat Pay's service order number (微信支付服务订单号). Example: 15646546545165651651.
        package (str): The data to open WeChat's confirm page with (跳转微信侧小程序订单数据). Example:
            DJIOSQPYWDxsjdldeskdjkldjd8kdhsjdfk.
        sub_appid (str | Unset): The sub-merchant's app id (子商户公众账号ID), when the order has one. Example:
            wxd678efh567hg6999.
        sub_mchid (str | Unset): The sub-merchant's merchant id (子商户号). Example: 1900000109.
        channel_id (str | Unset): The channel merchant id (渠道商商户号). Example: 1230000109.
        state_description (str | Unset): Only while `state` is `DOING` (订单状态说明). Known values: `USER_CONFIRM` (the user
            confirmed the order), `MCH_COMPLETE` (the merchant completed it; awaiting payment — the state a sync applies
            to). A plain string: other values may appear. Example: MCH_COMPLETE.
        post_payments (list[PostPayment] | Unset): The charges of the service (后付费项目), at most 100.
        post_discounts (list[PostDiscount] | Unset): The discounts of the service (后付费商户优惠), at most 30.
        risk_fund (RiskFund | Unset): The service's risk fund (订单风险金).
        total_amount (int | Unset): The order's total amount (总金额), in fen (分, 0.01 CNY). Example: 39800.
        need_collection (bool | Unset): Whether the order needs to be collected (是否需要收款). Example: True.
        collection (ServiceOrderCollection | Unset): What has been collected for the order (收款信息).
        time_range (TimeRange | Unset): When the service runs (服务时间段).
        location (Location | Unset): Where the service takes place (服务位置).
        attach (str | Unset): The merchant's data (商户数据包), echoed as it was given at creation. Example:
            Easdfowealsdkjfnlaksjdlfkwqoi&wl3l2sald.
        notify_url (str | Unset): Where WeChat Pay sends this order's notifications (商户回调地址). Example:
            https://api.test.com.
        openid (str | Unset): The user's id under `appid`. Example: oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.
        sub_openid (str | Unset): The user's id under `sub_appid`. Example: oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.
    """

    out_order_no: str
    service_id: str
    appid: str
    mchid: str
    service_introduction: str
    state: str
    order_id: str
    package: str
    sub_appid: str | Unset = UNSET
    sub_mchid: str | Unset = UNSET
    channel_id: str | Unset = UNSET
    state_description: str | Unset = UNSET
    post_payments: list[PostPayment] | Unset = UNSET
    post_discounts: list[PostDiscount] | Unset = UNSET
    risk_fund: RiskFund | Unset = UNSET
    total_amount: int | Unset = UNSET
    need_collection: bool | Unset = UNSET
    collection: ServiceOrderCollection | Unset = UNSET
    time_range: TimeRange | Unset = UNSET
    location: Location | Unset = UNSET
    attach: str | Unset = UNSET
    notify_url: str | Unset = UNSET
    openid: str | Unset = UNSET
    sub_openid: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out_order_no = self.out_order_no

        service_id = self.service_id

        appid = self.appid

        mchid = self.mchid

        service_introduction = self.service_introduction

        state = self.state

        order_id = self.order_id

        package = self.package

        sub_appid = self.sub_appid

        sub_mchid = self.sub_mchid

        channel_id = self.channel_id

        state_description = self.state_description

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

        risk_fund: dict[str, Any] | Unset = UNSET
        if not isinstance(self.risk_fund, Unset):
            risk_fund = self.risk_fund.to_dict()

        total_amount = self.total_amount

        need_collection = self.need_collection

        collection: dict[str, Any] | Unset = UNSET
        if not isinstance(self.collection, Unset):
            collection = self.collection.to_dict()

        time_range: dict[str, Any] | Unset = UNSET
        if not isinstance(self.time_range, Unset):
            time_range = self.time_range.to_dict()

        location: dict[str, Any] | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.to_dict()

        attach = self.attach

        notify_url = self.notify_url

        openid = self.openid

        sub_openid = self.sub_openid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "out_order_no": out_order_no,
                "service_id": service_id,
                "appid": appid,
                "mchid": mchid,
                "service_introduction": service_introduction,
                "state": state,
                "order_id": order_id,
                "package": package,
            }
        )
        if sub_appid is not UNSET:
            field_dict["sub_appid"] = sub_appid
        if sub_mchid is not UNSET:
            field_dict["sub_mchid"] = sub_mchid
        if channel_id is not UNSET:
            field_dict["channel_id"] = channel_id
        if state_description is not UNSET:
            field_dict["state_description"] = state_description
        if post_payments is not UNSET:
            field_dict["post_payments"] = post_payments
        if post_discounts is not UNSET:
            field_dict["post_discounts"] = post_discounts
        if risk_fund is not UNSET:
            field_dict["risk_fund"] = risk_fund
        if total_amount is not UNSET:
            field_dict["total_amount"] = total_amount
        if need_collection is not UNSET:
            field_dict["need_collection"] = need_collection
        if collection is not UNSET:
            field_dict["collection"] = collection
        if time_range is not UNSET:
            field_dict["time_range"] = time_range
        if location is not UNSET:
            field_dict["location"] = location
        if attach is not UNSET:
            field_dict["attach"] = attach
        if notify_url is not UNSET:
            field_dict["notify_url"] = notify_url
        if openid is not UNSET:
            field_dict["openid"] = openid
        if sub_openid is not UNSET:
            field_dict["sub_openid"] = sub_openid

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.location import Location  # noqa: PLC0415
        from ..models.post_discount import PostDiscount  # noqa: PLC0415
        from ..models.post_payment import PostPayment  # noqa: PLC0415
        from ..models.risk_fund import RiskFund  # noqa: PLC0415
        from ..models.service_order_collection import ServiceOrderCollection  # noqa: PLC0415
        from ..models.time_range import TimeRange  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "CreatedServiceOrder")
        out_order_no = _errors.pop_field(d, "out_order_no", "CreatedServiceOrder", str)

        service_id = _errors.pop_field(d, "service_id", "CreatedServiceOrder", str)

        appid = _errors.pop_field(d, "appid", "CreatedServiceOrder", str)

        mchid = _errors.pop_field(d, "mchid", "CreatedServiceOrder", str)

        service_introduction = _errors.pop_field(
            d, "service_introduction", "CreatedServiceOrder", str
        )

        state = _errors.pop_field(d, "state", "CreatedServiceOrder", str)

        order_id = _errors.pop_field(d, "order_id", "CreatedServiceOrder", str)

        package = _errors.pop_field(d, "package", "CreatedServiceOrder", str)

        sub_appid = _errors.pop_field(
            d, "sub_appid", "CreatedServiceOrder", str, required=False
        )

        sub_mchid = _errors.pop_field(
            d, "sub_mchid", "CreatedServiceOrder", str, required=False
        )

        channel_id = _errors.pop_field(
            d, "channel_id", "CreatedServiceOrder", str, required=False
        )

        state_description = _errors.pop_field(
            d, "state_description", "CreatedServiceOrder", str, required=False
        )

        _raw_post_payments = _errors.pop_field(
            d, "post_payments", "CreatedServiceOrder", list, required=False
        )
        try:
            _post_payments = _raw_post_payments
            post_payments: list[PostPayment] | Unset = UNSET
            if _post_payments is not UNSET:
                post_payments = []
                for post_payments_item_data in _post_payments:
                    post_payments_item = PostPayment.from_dict(post_payments_item_data)

                    post_payments.append(post_payments_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreatedServiceOrder", "post_payments[]") from None

        _raw_post_discounts = _errors.pop_field(
            d, "post_discounts", "CreatedServiceOrder", list, required=False
        )
        try:
            _post_discounts = _raw_post_discounts
            post_discounts: list[PostDiscount] | Unset = UNSET
            if _post_discounts is not UNSET:
                post_discounts = []
                for post_discounts_item_data in _post_discounts:
                    post_discounts_item = PostDiscount.from_dict(
                        post_discounts_item_data
                    )

                    post_discounts.append(post_discounts_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreatedServiceOrder", "post_discounts[]") from None

        _raw_risk_fund = _errors.pop_field(
            d, "risk_fund", "CreatedServiceOrder", Mapping, required=False
        )
        try:
            _risk_fund = _raw_risk_fund
            risk_fund: RiskFund | Unset
            if isinstance(_risk_fund, Unset):
                risk_fund = UNSET
            else:
                risk_fund = RiskFund.from_dict(_risk_fund)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreatedServiceOrder", "risk_fund") from None

        total_amount = _errors.pop_field(
            d, "total_amount", "CreatedServiceOrder", int, required=False
        )

        need_collection = _errors.pop_field(
            d, "need_collection", "CreatedServiceOrder", bool, required=False
        )

        _raw_collection = _errors.pop_field(
            d, "collection", "CreatedServiceOrder", Mapping, required=False
        )
        try:
            _collection = _raw_collection
            collection: ServiceOrderCollection | Unset
            if isinstance(_collection, Unset):
                collection = UNSET
            else:
                collection = ServiceOrderCollection.from_dict(_collection)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreatedServiceOrder", "collection") from None

        _raw_time_range = _errors.pop_field(
            d, "time_range", "CreatedServiceOrder", Mapping, required=False
        )
        try:
            _time_range = _raw_time_range
            time_range: TimeRange | Unset
            if isinstance(_time_range, Unset):
                time_range = UNSET
            else:
                time_range = TimeRange.from_dict(_time_range)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreatedServiceOrder", "time_range") from None

        _raw_location = _errors.pop_field(
            d, "location", "CreatedServiceOrder", Mapping, required=False
        )
        try:
            _location = _raw_location
            location: Location | Unset
            if isinstance(_location, Unset):
                location = UNSET
            else:
                location = Location.from_dict(_location)

        except _errors.InvalidModelError as exc:
            raise exc.inside("CreatedServiceOrder", "location") from None

        attach = _errors.pop_field(
            d, "attach", "CreatedServiceOrder", str, required=False
        )

        notify_url = _errors.pop_field(
            d, "notify_url", "CreatedServiceOrder", str, required=False
        )

        openid = _errors.pop_field(
            d, "openid", "CreatedServiceOrder", str, required=False
        )

        sub_openid = _errors.pop_field(
            d, "sub_openid", "CreatedServiceOrder", str, required=False
        )

        created_service_order = cls(
            out_order_no=out_order_no,
            service_id=service_id,
            appid=appid,
            mchid=mchid,
            service_introduction=service_introduction,
            state=state,
            order_id=order_id,
            package=package,
            sub_appid=sub_appid,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            state_description=state_description,
            post_payments=post_payments,
            post_discounts=post_discounts,
            risk_fund=risk_fund,
            total_amount=total_amount,
            need_collection=need_collection,
            collection=collection,
            time_range=time_range,
            location=location,
            attach=attach,
            notify_url=notify_url,
            openid=openid,
            sub_openid=sub_openid,
        )

        created_service_order.additional_properties = d
        return created_service_order

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
