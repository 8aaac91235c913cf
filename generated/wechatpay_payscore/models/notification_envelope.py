from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import errors as _errors
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.notification_resource import NotificationResource


T = TypeVar("T", bound="NotificationEnvelope")


@_attrs_define
class NotificationEnvelope:
    """The body of every notification (回调通知): the envelope around one encrypted resource. Verify the signature over the raw
    body first; then decrypt `resource` with the APIv3 key. Open for extension.

        Attributes:
            id (str): The notification's id (通知ID). Example: EV-2018022511223320873.
            create_time (str): When the notification was created (通知创建时间), RFC 3339. Example: 2015-05-20T13:29:35+08:00.
            event_type (str): The event (通知类型): `PAYSCORE.USER_CONFIRM`, `PAYSCORE.USER_PAID` or `PAYSCORE.MCH_PREPAY` for
                this family. A plain string: other values may appear. Example: PAYSCORE.USER_CONFIRM.
            resource (NotificationResource): The encrypted resource of a notification (通知数据).
            resource_type (str | Unset): The kind of resource (通知数据类型), `encrypt-resource`. Example: encrypt-resource.
            summary (str | Unset): A short text about the event (回调摘要). Example: 支付分订单用户已确认.
    """

    id: str
    create_time: str
    event_type: str
    resource: NotificationResource
    resource_type: str | Unset = UNSET
    summary: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        create_time = self.create_time

        event_type = self.event_type

        resource = self.resource.to_dict()

        resource_type = self.resource_type

        summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "create_time": create_time,
                "event_type": event_type,
                "resource": resource,
            }
        )
        if resource_type is not UNSET:
            field_dict["resource_type"] = resource_type
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.notification_resource import NotificationResource  # noqa: PLC0415

        d = _errors.model_dict(src_dict, "NotificationEnvelope")
        id = _errors.pop_field(d, "id", "NotificationEnvelope", str)

        create_time = _errors.pop_field(d, "create_time", "NotificationEnvelope", str)

        event_type = _errors.pop_field(d, "event_type", "NotificationEnvelope", str)

        _raw_resource = _errors.pop_field(
            d, "resource", "NotificationEnvelope", Mapping
        )
        try:
            resource = NotificationResource.from_dict(_raw_resource)

        except _errors.InvalidModelError as exc:
            raise exc.inside("NotificationEnvelope", "resource") from None

        resource_type = _errors.pop_field(
            d, "resource_type", "NotificationEnvelope", str, required=False
        )

        summary = _errors.pop_field(
            d, "summary", "NotificationEnvelope", str, required=False
        )

        notification_envelope = cls(
            id=id,
            create_time=create_time,
            event_type=event_type,
            resource=resource,
            resource_type=resource_type,
            summary=summary,
        )

        notification_envelope.additional_properties = d
        return notification_envelope

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
