"""`wechatpay_auth.testing.payscore_order_resource`: the published Pay Score order sample, with the ids given."""

from __future__ import annotations

from wechatpay_auth.testing import payscore_order_resource


def test_the_sample_is_a_confirmed_order_with_its_sub_appid_by_default() -> None:
    order = payscore_order_resource()
    assert (order["state"], order["state_description"]) == ("DOING", "USER_CONFIRM")
    assert order["sub_appid"] == "wxd678efh567hg6999"
    assert order["time_range"] == {"start_time": "20091225091010", "end_time": "20091225121010"}
    assert "collection" not in order


def test_an_order_without_a_sub_appid_has_no_such_field() -> None:
    # WeChat Pay leaves out a field it has no value for: absent from the JSON, not null.
    assert "sub_appid" not in payscore_order_resource(sub_appid=None)


def test_a_paid_order_is_done_and_collected_in_one_payment_on_its_day() -> None:
    order = payscore_order_resource(service_id="S", mchid="M", out_order_no="O", day="20301225", paid_at="121210")
    assert (order["service_id"], order["mchid"], order["out_order_no"]) == ("S", "M", "O")
    assert (order["state"], order["state_description"]) == ("DONE", "USER_PAID_SOMEDAY")
    assert order["collection"]["state"] == "USER_PAID"
    assert [detail["paid_time"] for detail in order["collection"]["details"]] == ["20301225121210"]
