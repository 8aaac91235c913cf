from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.location import Location
    from ..models.notified_collection import NotifiedCollection
    from ..models.notified_post_discount import NotifiedPostDiscount
    from ..models.notified_post_payment import NotifiedPostPayment
    from ..models.notified_risk_fund import NotifiedRiskFund
    from ..models.time_range import TimeRange


T = TypeVar("T", bound="NotifiedServiceOrder")


@_attrs_define
class NotifiedServiceOrder:
    """The decrypted resource of `PAYSCORE.USER_CONFIRM` and `PAYSCORE.USER_PAID`: the service order, as in `ServiceOrder`,
    but only `out_order_no` is required (no official field table of these events was found, so nothing else is
    promised), amounts may arrive as strings (`LenientAmount`), and unknown keys are kept.

        Attributes:
            out_order_no (str): The merchant's service order number (商户服务订单号). Example: 1234323JKHDFE1243252.
            service_id (str | Unset): Pay Score service id (服务ID). Example: 500001.
            appid (str | Unset): The acquiring institution's app id (从业机构公众账号ID). Example: wxd678efh567hg6787.
            mchid (str | Unset): The acquiring institution's merchant id (从业机构商户号). Example: 1230000109.
            sub_appid (str | Unset): The sub-merchant's app id (子商户公众账号ID). Example: wxd678efh567hg6999.
            sub_mchid (str | Unset): The sub-merchant's merchant id (子商户号). Example: 1900000109.
            channel_id (str | Unset): The channel merchant id (渠道商商户号). Example: 1230000109.
            order_id (str | Unset): WeChat Pay's service order number (微信支付服务订单号). Example: 15646546545165651651.
            out_trade_no (str | Unset): The merchant's deduction order number (商户扣款单号), when WeChat Pay sends it. Example:
                1234323JKHDFE1243252.
            service_introduction (str | Unset): What the service is (服务信息). Example: 嗨客餐厅用餐.
            openid (str | Unset): The user's id under `appid`. Example: oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.
            sub_openid (str | Unset): The user's id under `sub_appid`. Example: oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.
            state (str | Unset): The order's state (`CREATED`, `DOING`, `DONE`, …). A plain string. Example: DOING.
            state_description (str | Unset): While `DOING`, `USER_CONFIRM` or `MCH_COMPLETE`. A plain string. Example:
                USER_CONFIRM.
            total_amount (int | str | Unset): An amount in fen (分) as a notification carries it: a JSON integer, or its
                decimal digits as a string (published samples send `"40000"`). Either form means the same integer; read the
                string as base 10. Example: 40000.
            attach (str | Unset): The merchant's data (商户数据包). Example: Easdfowealsdkjfnlaksjdlfkwqoi&wl3l2sald.
            need_collection (bool | Unset): Whether the order needs to be collected (是否需要收款). Example: True.
            post_payments (list[NotifiedPostPayment] | Unset): The charges of the service (后付费项目).
            post_discounts (list[NotifiedPostDiscount] | Unset): The discounts of the service (后付费商户优惠).
            risk_fund (NotifiedRiskFund | Unset): The service's risk fund (订单风险金), as a notification carries it.
            time_range (TimeRange | Unset): When the service runs (服务时间段).
            location (Location | Unset): Where the service takes place (服务位置).
            collection (NotifiedCollection | Unset): What has been collected for the order (收款信息), as a notification carries
                it.
    """

    out_order_no: str
    service_id: str | Unset = UNSET
    appid: str | Unset = UNSET
    mchid: str | Unset = UNSET
    sub_appid: str | Unset = UNSET
    sub_mchid: str | Unset = UNSET
    channel_id: str | Unset = UNSET
    order_id: str | Unset = UNSET
    out_trade_no: str | Unset = UNSET
    service_introduction: str | Unset = UNSET
    openid: str | Unset = UNSET
    sub_openid: str | Unset = UNSET
    state: str | Unset = UNSET
    state_description: str | Unset = UNSET
    total_amount: int | str | Unset = UNSET
    attach: str | Unset = UNSET
    need_collection: bool | Unset = UNSET
    post_payments: list[NotifiedPostPayment] | Unset = UNSET
    post_discounts: list[NotifiedPostDiscount] | Unset = UNSET
    risk_fund: NotifiedRiskFund | Unset = UNSET
    time_range: TimeRange | Unset = UNSET
    location: Location | Unset = UNSET
    collection: NotifiedCollection | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out_order_no = self.out_order_no

        service_id = self.service_id

        appid = self.appid

        mchid = self.mchid

        sub_appid = self.sub_appid

        sub_mchid = self.sub_mchid

        channel_id = self.channel_id

        order_id = self.order_id

        out_trade_no = self.out_trade_no

        service_introduction = self.service_introduction

        openid = self.openid

        sub_openid = self.sub_openid

        state = self.state

        state_description = self.state_description

        total_amount: int | str | Unset
        if isinstance(self.total_amount, Unset):
            total_amount = UNSET
        else:
            total_amount = self.total_amount

        attach = self.attach

        need_collection = self.need_collection

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

        time_range: dict[str, Any] | Unset = UNSET
        if not isinstance(self.time_range, Unset):
            time_range = self.time_range.to_dict()

        location: dict[str, Any] | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.to_dict()

        collection: dict[str, Any] | Unset = UNSET
        if not isinstance(self.collection, Unset):
            collection = self.collection.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "out_order_no": out_order_no,
            }
        )
        if service_id is not UNSET:
            field_dict["service_id"] = service_id
        if appid is not UNSET:
            field_dict["appid"] = appid
        if mchid is not UNSET:
            field_dict["mchid"] = mchid
        if sub_appid is not UNSET:
            field_dict["sub_appid"] = sub_appid
        if sub_mchid is not UNSET:
            field_dict["sub_mchid"] = sub_mchid
        if channel_id is not UNSET:
            field_dict["channel_id"] = channel_id
        if order_id is not UNSET:
            field_dict["order_id"] = order_id
        if out_trade_no is not UNSET:
            field_dict["out_trade_no"] = out_trade_no
        if service_introduction is not UNSET:
            field_dict["service_introduction"] = service_introduction
        if openid is not UNSET:
            field_dict["openid"] = openid
        if sub_openid is not UNSET:
            field_dict["sub_openid"] = sub_openid
        if state is not UNSET:
            field_dict["state"] = state
        if state_description is not UNSET:
            field_dict["state_description"] = state_description
        if total_amount is not UNSET:
            field_dict["total_amount"] = total_amount
        if attach is not UNSET:
            field_dict["attach"] = attach
        if need_collection is not UNSET:
            field_dict["need_collection"] = need_collection
        if post_payments is not UNSET:
            field_dict["post_payments"] = post_payments
        if post_discounts is not UNSET:
            field_dict["post_discounts"] = post_discounts
        if risk_fund is not UNSET:
            field_dict["risk_fund"] = risk_fund
        if time_range is not UNSET:
            field_dict["time_range"] = time_range
        if location is not UNSET:
            field_dict["location"] = location
        if collection is not UNSET:
            field_dict["collection"] = collection

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.location import Location  # noqa: PLC0415
        from ..models.notified_collection import NotifiedCollection  # noqa: PLC0415
        from ..models.notified_post_discount import NotifiedPostDiscount  # noqa: PLC0415
        from ..models.notified_post_payment import NotifiedPostPayment  # noqa: PLC0415
        from ..models.notified_risk_fund import NotifiedRiskFund  # noqa: PLC0415
        from ..models.time_range import TimeRange  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "NotifiedServiceOrder")
        out_order_no = _errors.pop_field(d, "out_order_no", "NotifiedServiceOrder", str)

        service_id = _errors.pop_field(
            d, "service_id", "NotifiedServiceOrder", str, required=False
        )

        appid = _errors.pop_field(
            d, "appid", "NotifiedServiceOrder", str, required=False
        )

        mchid = _errors.pop_field(
            d, "mchid", "NotifiedServiceOrder", str, required=False
        )

        sub_appid = _errors.pop_field(
            d, "sub_appid", "NotifiedServiceOrder", str, required=False
        )

        sub_mchid = _errors.pop_field(
            d, "sub_mchid", "NotifiedServiceOrder", str, required=False
        )

        channel_id = _errors.pop_field(
            d, "channel_id", "NotifiedServiceOrder", str, required=False
        )

        order_id = _errors.pop_field(
            d, "order_id", "NotifiedServiceOrder", str, required=False
        )

        out_trade_no = _errors.pop_field(
            d, "out_trade_no", "NotifiedServiceOrder", str, required=False
        )

        service_introduction = _errors.pop_field(
            d, "service_introduction", "NotifiedServiceOrder", str, required=False
        )

        openid = _errors.pop_field(
            d, "openid", "NotifiedServiceOrder", str, required=False
        )

        sub_openid = _errors.pop_field(
            d, "sub_openid", "NotifiedServiceOrder", str, required=False
        )

        state = _errors.pop_field(
            d, "state", "NotifiedServiceOrder", str, required=False
        )

        state_description = _errors.pop_field(
            d, "state_description", "NotifiedServiceOrder", str, required=False
        )

        _raw_total_amount = _errors.pop_field(
            d, "total_amount", "NotifiedServiceOrder", required=False
        )
        try:

            def _parse_total_amount(data: object) -> int | str | Unset:
                if isinstance(data, Unset):
                    return data
                return cast(int | str | Unset, data)

            total_amount = _parse_total_amount(_raw_total_amount)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedServiceOrder", "total_amount") from None

        attach = _errors.pop_field(
            d, "attach", "NotifiedServiceOrder", str, required=False
        )

        need_collection = _errors.pop_field(
            d, "need_collection", "NotifiedServiceOrder", bool, required=False
        )

        _raw_post_payments = _errors.pop_field(
            d, "post_payments", "NotifiedServiceOrder", list, required=False
        )
        try:
            _post_payments = _raw_post_payments
            post_payments: list[NotifiedPostPayment] | Unset = UNSET
            if _post_payments is not UNSET:
                post_payments = []
                for post_payments_item_data in _post_payments:
                    post_payments_item = NotifiedPostPayment.from_dict(
                        post_payments_item_data
                    )

                    post_payments.append(post_payments_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedServiceOrder", "post_payments[]") from None

        _raw_post_discounts = _errors.pop_field(
            d, "post_discounts", "NotifiedServiceOrder", list, required=False
        )
        try:
            _post_discounts = _raw_post_discounts
            post_discounts: list[NotifiedPostDiscount] | Unset = UNSET
            if _post_discounts is not UNSET:
                post_discounts = []
                for post_discounts_item_data in _post_discounts:
                    post_discounts_item = NotifiedPostDiscount.from_dict(
                        post_discounts_item_data
                    )

                    post_discounts.append(post_discounts_item)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedServiceOrder", "post_discounts[]") from None

        _raw_risk_fund = _errors.pop_field(
            d, "risk_fund", "NotifiedServiceOrder", Mapping, required=False
        )
        try:
            _risk_fund = _raw_risk_fund
            risk_fund: NotifiedRiskFund | Unset
            if isinstance(_risk_fund, Unset):
                risk_fund = UNSET
            else:
                risk_fund = NotifiedRiskFund.from_dict(_risk_fund)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedServiceOrder", "risk_fund") from None

        _raw_time_range = _errors.pop_field(
            d, "time_range", "NotifiedServiceOrder", Mapping, required=False
        )
        try:
            _time_range = _raw_time_range
            time_range: TimeRange | Unset
            if isinstance(_time_range, Unset):
                time_range = UNSET
            else:
                time_range = TimeRange.from_dict(_time_range)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedServiceOrder", "time_range") from None

        _raw_location = _errors.pop_field(
            d, "location", "NotifiedServiceOrder", Mapping, required=False
        )
        try:
            _location = _raw_location
            location: Location | Unset
            if isinstance(_location, Unset):
                location = UNSET
            else:
                location = Location.from_dict(_location)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedServiceOrder", "location") from None

        _raw_collection = _errors.pop_field(
            d, "collection", "NotifiedServiceOrder", Mapping, required=False
        )
        try:
            _collection = _raw_collection
            collection: NotifiedCollection | Unset
            if isinstance(_collection, Unset):
                collection = UNSET
            else:
                collection = NotifiedCollection.from_dict(_collection)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotifiedServiceOrder", "collection") from None

        notified_service_order = cls(
            out_order_no=out_order_no,
            service_id=service_id,
            appid=appid,
            mchid=mchid,
            sub_appid=sub_appid,
            sub_mchid=sub_mchid,
            channel_id=channel_id,
            order_id=order_id,
            out_trade_no=out_trade_no,
            service_introduction=service_introduction,
            openid=openid,
            sub_openid=sub_openid,
            state=state,
            state_description=state_description,
            total_amount=total_amount,
            attach=attach,
            need_collection=need_collection,
            post_payments=post_payments,
            post_discounts=post_discounts,
            risk_fund=risk_fund,
            time_range=time_range,
            location=location,
            collection=collection,
        )

        notified_service_order.additional_properties = d
        return notified_service_order

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
