"""The cost of one notification, in process: `open_event` beside the floor of the same sizes in plain `cryptography`.

- floor: what any correct receiver must compute, and nothing else: one RSA-2048 PKCS#1 v1.5 SHA-256 verification
  of `TIMESTAMP\\nNONCE\\nBODY\\n` (this very body) and one AES-256-GCM decryption of its resource (the same ciphertext,
  tag included, nonce and associated data), with `cryptography` alone; the inputs are decoded ahead (Base64, the
  message's bytes, the AES key object), so the floor is the two primitives and no header, JSON or model work.
- this project: `open_event(client, headers, body)` as an endpoint calls it: the signature checklist (the four
  headers looked up in any case, ±300 s against the clock, the key `Wechatpay-Serial` names, the signature type, the
  probe check, strict Base64, RSA), the envelope's JSON, the AEAD, the plaintext's JSON, and the typed event (the
  contract's `NotifiedServiceOrder`, amounts sent as strings read as integers).

- of which, each step of `open_event` alone, over the same notification: the signature checklist
  (`check_signature`), the envelope (`parse_envelope`), the decryption (`decrypt_resource`), and the typed event
  (`parse_event` of the opened notification); "rest" is what they do not explain (the plaintext's JSON, the
  `Notification` record, the calls between them).

The notification is a `PAYSCORE.USER_PAID` of a paid order (the published sample's shape, the bench's ids), signed with
the TEST-ONLY "WeChat Pay" key just before it is timed, so that the ±300 s check passes: a notification has no replay
memory, so one is opened again and again. Everything runs round-robin, and the ratio is the median of the paired
per-round ratios, as for every other row. `python -m bench._notification` runs this section alone (`BENCH_QUICK=1`
too).
"""

from __future__ import annotations

import base64
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wechatpay_auth import ApiV3Key, check_signature, decrypt_resource, load_public_key, parse_envelope
from wechatpay_auth.testing import encrypt_resource, notification_body, payscore_order_resource, sign_notification
from wechatpay_payscore_client import UserPaidEvent, create_client, open_event, parse_event

from bench._config import Sizes, sizes_from_env
from bench._contenders import platform_public_key
from bench._order import OUT_ORDER_NO
from bench._test_keys import (
    APIV3_KEY,
    MCHID,
    MERCHANT_PRIVATE_PEM,
    MERCHANT_SERIAL_NO,
    PLATFORM_PRIVATE_PEM,
    PLATFORM_PUBLIC_KEY_ID,
    PLATFORM_PUBLIC_PEM,
)
from bench._timing import Figure, interleaved

__all__ = ["NOTIFICATION_LIMIT", "NotificationCost", "measure_notification", "notification_lines"]

# open_event does what the floor does plus the checklist's Python (header lookups, strict Base64, the window, the
# probe), two JSON parses (the ≈1.3 KB envelope and the ≈0.9 KB order) and the generated model of the order, against
# an RSA verification that is cheap (public exponent 65537) and a decryption of under a kilobyte (bench/README.md).
NOTIFICATION_LIMIT = 1.5

# The published USER_PAID sample's shape (amounts as strings, as in the sample), with the bench's ids and day.
PAID_ORDER = payscore_order_resource(
    service_id="2002000000000558128851361561536",
    mchid=MCHID,
    sub_appid=None,
    out_order_no=OUT_ORDER_NO,
    day="20301225",
    paid_at="121210",
)


# The steps of open_event, timed alone: name -> label.
STEPS = {
    "signature": "signature checklist (check_signature)",
    "envelope": "envelope (parse_envelope)",
    "decryption": "decryption (decrypt_resource)",
    "typed_event": "typed event (parse_event)",
}


@dataclass(frozen=True)
class NotificationCost:
    floor: Figure
    project: Figure
    steps: dict[str, Figure]
    body_bytes: int
    ciphertext_bytes: int

    def rest(self) -> float:
        """Microseconds of open_event that its steps timed alone do not explain (median over rounds)."""
        per_round = [
            project.cpu - sum(figure.samples[index].cpu for figure in self.steps.values())
            for index, project in enumerate(self.project.samples)
        ]
        return sorted(per_round)[len(per_round) // 2] * 1e6

    @property
    def ratio(self) -> float:
        """CPU per notification against the floor: the median of the paired per-round ratios."""
        return self.project.cpu_ratio(self.floor)

    @property
    def ratio_spread(self) -> tuple[float, float]:
        ratios = self.project.cpu_ratios(self.floor)
        return min(ratios), max(ratios)

    def as_dict(self) -> dict[str, object]:
        low, high = self.ratio_spread
        return {
            "floor": self.floor.as_dict(),
            "project": self.project.as_dict(),
            "cpu_x_floor": round(self.ratio, 4),
            "cpu_x_floor_min": round(low, 4),
            "cpu_x_floor_max": round(high, 4),
            "steps": {name: figure.as_dict() for name, figure in self.steps.items()},
            "rest_cpu_us": round(self.rest(), 2),
            "body_bytes": self.body_bytes,
            "ciphertext_bytes": self.ciphertext_bytes,
        }


def _notification() -> tuple[dict[str, str], bytes, dict[str, str]]:
    """A USER_PAID notification as WeChat Pay sends it, timestamped now: its headers, body and resource."""
    resource = encrypt_resource(APIV3_KEY, PAID_ORDER, "payscore")
    body = notification_body(
        "PAYSCORE.USER_PAID",
        resource,
        notification_id="0c5f0e2a-7b1d-5c3e-9f40-1a2b3c4d5e02",
        create_time="2030-12-25T12:12:10+08:00",
        summary="用户支付成功",
    )
    nonce = base64.b16encode(os.urandom(16)).decode()
    headers = sign_notification(PLATFORM_PRIVATE_PEM, PLATFORM_PUBLIC_KEY_ID, body, int(time.time()), nonce)
    return headers, body, resource


def _floor(headers: dict[str, str], body: bytes, resource: dict[str, str]) -> Callable[[int], None]:
    public_key = platform_public_key()
    message = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n".encode() + body + b"\n"
    signature = base64.b64decode(headers["Wechatpay-Signature"])
    aead = AESGCM(APIV3_KEY)
    nonce, associated = resource["nonce"].encode(), resource["associated_data"].encode()
    sealed = base64.b64decode(resource["ciphertext"])
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

    def run(n: int) -> None:
        for _ in range(n):
            public_key.verify(signature, message, pkcs1, sha256)
            aead.decrypt(nonce, sealed, associated)

    return run


def _steps(headers: dict[str, str], body: bytes, client: Any) -> dict[str, Callable[[int], None]]:
    """Each step of open_event alone, over the same notification, as the client's signer runs it."""
    keys = {PLATFORM_PUBLIC_KEY_ID: load_public_key(PLATFORM_PUBLIC_PEM)}
    key = ApiV3Key(APIV3_KEY)
    envelope = parse_envelope(body)
    opened = client.pipeline.signer.open_notification(headers, body)

    def signature(n: int) -> None:
        for _ in range(n):
            check_signature(headers, body, keys, time.time(), signature_required=True)

    def envelope_step(n: int) -> None:
        for _ in range(n):
            parse_envelope(body)

    def decryption(n: int) -> None:
        for _ in range(n):
            decrypt_resource(envelope.resource, key)

    def typed_event(n: int) -> None:
        for _ in range(n):
            parse_event(opened)

    return {"signature": signature, "envelope": envelope_step, "decryption": decryption, "typed_event": typed_event}


def measure_notification(sizes: Sizes) -> NotificationCost:
    """Time the floor, `open_event` and its steps round-robin over one fresh notification (see the module's rules)."""
    client = create_client(
        mchid=MCHID,
        serial_no=MERCHANT_SERIAL_NO,
        private_key=MERCHANT_PRIVATE_PEM,
        wechatpay_public_keys={PLATFORM_PUBLIC_KEY_ID: PLATFORM_PUBLIC_PEM},
        apiv3_key=APIV3_KEY,
    )
    try:
        headers, body, resource = _notification()
        # Checked once, outside the timed loops: the project reads it as the typed event, the floor's inputs hold.
        event = open_event(client, headers, body)
        assert isinstance(event, UserPaidEvent), type(event)
        assert event.resource.total_amount == 40000
        floor = _floor(headers, body, resource)
        floor(1)

        def project(n: int) -> None:
            for _ in range(n):
                open_event(client, headers, body)

        runs = {"floor": floor, "project": project, **_steps(headers, body, client)}
        figures = interleaved(runs, dict.fromkeys(runs, sizes.notification_calls), sizes.rounds, sizes.warmup)
    finally:
        client.close()
    steps = {name: figures[name] for name in STEPS}
    ciphertext = len(base64.b64decode(resource["ciphertext"]))
    return NotificationCost(figures["floor"], figures["project"], steps, len(body), ciphertext)


def _stat(figure: Figure) -> str:
    cpu = figure.cpu
    return f"{cpu.median:>8.1f} [{cpu.minimum:.1f}-{cpu.maximum:.1f}]"


def notification_lines(cost: NotificationCost) -> list[str]:
    """The section of the table: both rows, CPU per notification, the ratio with its spread, and the steps."""
    low, high = cost.ratio_spread
    floor = cost.floor.cpu.median
    lines = [
        f"notification, in process, CPU us/notification (PAYSCORE.USER_PAID, {cost.body_bytes}-byte body, "
        f"{cost.ciphertext_bytes}-byte ciphertext):",
        f"  {'floor: RSA-2048 verify + AES-256-GCM decrypt':<52}{_stat(cost.floor):>26}{1.0:>13.2f}",
        f"  {'this project, open_event (verify, decrypt, typed)':<52}{_stat(cost.project):>26}"
        f"{cost.ratio:>13.2f}{f'[{low:.2f}-{high:.2f}]':>13}",
        "  of which, each step alone (x floor: its median over the floor's):",
    ]
    for name, label in STEPS.items():
        figure = cost.steps[name]
        lines.append(f"    {label:<50}{_stat(figure):>26}{figure.cpu.median / floor:>13.2f}")
    lines.append(f"    {'rest (plaintext JSON, the records, the calls)':<50}{cost.rest():>9.1f}")
    return lines


def main() -> int:
    sizes = sizes_from_env()
    cost = measure_notification(sizes)
    print("\n".join(notification_lines(cost)))
    verdict = "PASS" if cost.ratio <= NOTIFICATION_LIMIT else "FAIL"
    print(f"  {verdict}  notification CPU vs its floor {cost.ratio:.2f} x floor (limit {NOTIFICATION_LIMIT:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
