"""TEST-ONLY demo keys and ids: the emulator's built-in identity, for `make demo` and tests.

WARNING: every key in `wechatpay_emulator/demo_keys/` is PUBLIC. It is committed to a public repository and printed
by the emulator. Never configure a real client, merchant account or server with them; they exist only so that a
client and the emulator can talk to each other out of the box.

- merchant: mchid `1900000100`, API certificate serial `3775B6A45ACD588826D15E583A95F5DD2F6D4F0A`
  (`test-only-merchant-private-key.pem` / `test-only-merchant-public-key.pem`, the project's signing vectors);
- WeChat Pay public key (public-key mode): id `PUB_KEY_ID_0119000001002024112700000000`
  (`test-only-wechatpay-private-key.pem` / `test-only-wechatpay-public-key.pem`);
- WeChat Pay platform certificate (the older mode): a self-signed "TEST ONLY" certificate
  (`test-only-platform-private-key.pem` / `test-only-platform-certificate.pem`), serial `DEMO_PLATFORM_SERIAL`;
- the APIv3 key notifications are encrypted with when none is configured (`test-only-apiv3-key.txt`);
- the seed order of the API page's example, DOING + MCH_COMPLETE, ready to be synced.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ._orders import Order

__all__ = [
    "DEMO_MCHID",
    "DEMO_MERCHANT_SERIAL",
    "DEMO_ORDER",
    "DEMO_ORDER_CHANNEL_ID",
    "DEMO_ORDER_OUT_ORDER_NO",
    "DEMO_ORDER_SERVICE_ID",
    "DEMO_ORDER_SUB_MCHID",
    "DEMO_PLATFORM_SERIAL",
    "DEMO_WECHATPAY_PUBLIC_KEY_ID",
    "TEST_ONLY_WARNING",
    "demo_apiv3_key_path",
    "demo_key_path",
    "demo_merchant_private_key_path",
    "demo_merchant_public_key_path",
    "demo_platform_certificate_path",
    "demo_platform_private_key_path",
    "demo_wechatpay_private_key_path",
    "demo_wechatpay_public_key_path",
]

TEST_ONLY_WARNING = "TEST ONLY: the demo keys are public; never use them outside tests and demos"

DEMO_MCHID = "1900000100"
DEMO_MERCHANT_SERIAL = "3775B6A45ACD588826D15E583A95F5DD2F6D4F0A"
DEMO_WECHATPAY_PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001002024112700000000"
DEMO_PLATFORM_SERIAL = "6C34A943BE2A962E794D998675CB53B959A05DB3"

DEMO_ORDER_OUT_ORDER_NO = "1234323JKHDFE1243252"
DEMO_ORDER_SERVICE_ID = "2002000000000558128851361561536"
DEMO_ORDER_SUB_MCHID = "1900000109"
DEMO_ORDER_CHANNEL_ID = "1230000109"
DEMO_ORDER = Order(
    out_order_no=DEMO_ORDER_OUT_ORDER_NO,
    service_id=DEMO_ORDER_SERVICE_ID,
    sub_mchid=DEMO_ORDER_SUB_MCHID,
    channel_id=DEMO_ORDER_CHANNEL_ID,
    state="DOING",
    state_description="MCH_COMPLETE",
)


def demo_key_path(name: str) -> Path:
    """The file system path of one TEST-ONLY file in `demo_keys/` (installed packages keep it a real file)."""
    path = Path(str(resources.files("wechatpay_emulator").joinpath("demo_keys", name)))
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


def demo_merchant_private_key_path() -> Path:
    """TEST ONLY: the demo merchant's API private key, what a client signs requests with."""
    return demo_key_path("test-only-merchant-private-key.pem")


def demo_merchant_public_key_path() -> Path:
    """TEST ONLY: the demo merchant's public key, what the emulator verifies requests with."""
    return demo_key_path("test-only-merchant-public-key.pem")


def demo_wechatpay_private_key_path() -> Path:
    """TEST ONLY: the private half of the demo WeChat Pay public key; the emulator signs answers with it."""
    return demo_key_path("test-only-wechatpay-private-key.pem")


def demo_wechatpay_public_key_path() -> Path:
    """TEST ONLY: the demo WeChat Pay public key (id `DEMO_WECHATPAY_PUBLIC_KEY_ID`), what a client verifies with."""
    return demo_key_path("test-only-wechatpay-public-key.pem")


def demo_platform_private_key_path() -> Path:
    """TEST ONLY: the private key of the demo platform certificate."""
    return demo_key_path("test-only-platform-private-key.pem")


def demo_platform_certificate_path() -> Path:
    """TEST ONLY: the self-signed demo platform certificate (serial `DEMO_PLATFORM_SERIAL`)."""
    return demo_key_path("test-only-platform-certificate.pem")


def demo_apiv3_key_path() -> Path:
    """TEST ONLY: the demo APIv3 key (32 characters), what the emulator encrypts notification resources with when
    no APIv3 key is configured, and what a receiver decrypts them with."""
    return demo_key_path("test-only-apiv3-key.txt")
