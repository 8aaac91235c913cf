"""TEST-ONLY keys and ids for the benchmark: the emulator's public demo identity (never use them for real).

The merchant pair signs the contenders' requests; the "WeChat Pay" pair (public-key mode) is what the bench server
signs its answers with, and what signs the notification that `open_event` is timed on (its resource encrypted with
the demo APIv3 key). Read from the files the emulator ships, so the project keeps one copy of each test key.
"""

from __future__ import annotations

from wechatpay_emulator import demo

__all__ = [
    "APIV3_KEY",
    "MCHID",
    "MERCHANT_PRIVATE_PEM",
    "MERCHANT_PUBLIC_PEM",
    "MERCHANT_SERIAL_NO",
    "PLATFORM_PRIVATE_PEM",
    "PLATFORM_PUBLIC_KEY_ID",
    "PLATFORM_PUBLIC_PEM",
]

MCHID = demo.DEMO_MCHID
MERCHANT_SERIAL_NO = demo.DEMO_MERCHANT_SERIAL
PLATFORM_PUBLIC_KEY_ID = demo.DEMO_WECHATPAY_PUBLIC_KEY_ID

MERCHANT_PRIVATE_PEM = demo.demo_merchant_private_key_path().read_text(encoding="ascii")
MERCHANT_PUBLIC_PEM = demo.demo_merchant_public_key_path().read_text(encoding="ascii")
PLATFORM_PRIVATE_PEM = demo.demo_wechatpay_private_key_path().read_text(encoding="ascii")
PLATFORM_PUBLIC_PEM = demo.demo_wechatpay_public_key_path().read_text(encoding="ascii")
# The APIv3 key that encrypts the notification's resource: 32 characters, the file's line end left out.
APIV3_KEY = demo.demo_apiv3_key_path().read_bytes().rstrip(b"\r\n")
