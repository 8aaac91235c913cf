"""wechatpay_pytest — pytest fixtures for testing your code against the WeChat Pay emulator.

Registered through the `pytest11` entry point, so installing `wechatpay-payscore[emulator]` is enough: no
`conftest.py` needed. The fixtures (`wechatpay_emulator`, `wechatpay_client`, `wechatpay_async_client`,
`wechatpay_notifications`, ...) and the markers (`wechatpay_orders`, `wechatpay_fault`, `wechatpay_rate_limit`,
`wechatpay_notification_fault`) are documented in `plugin`.
"""

from __future__ import annotations

from .plugin import EXTRA_HINT, MARKERS, NotificationReceiver

__all__ = ["EXTRA_HINT", "MARKERS", "NotificationReceiver"]
