"""Replay defence: an answer's (timestamp, nonce, signature) is accepted once within the 300 s window.

WECHATPAY2-SHA256-RSA2048 binds a signature to ``TIMESTAMP\\nNONCE\\nBODY`` but not to the request it answers, so a
signed ``204`` captured once verifies again for any other call during the five minutes its timestamp is fresh.
WeChat Pay never repeats a nonce in its answers; a second sighting of the same triple is therefore a replay.

Notifications are not checked against it: WeChat Pay delivers a notification again until it is answered with a 2xx
(and may deliver it twice over two network paths), so a second sighting of a signed notification is legitimate. Their
freshness rule is the ±300 s window of the checklist; telling their duplicates apart (by the notification ``id`` and
the order's state) is for the application, which stores them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading

from wechatpay_auth._checklist import MAX_SKEW_SECONDS

__all__ = ["DEFAULT_REPLAY_CAPACITY", "ReplayGuard"]

# Each entry costs about 150 bytes (a 16-byte digest and its timestamp in a dict): 100 000 entries stay below
# 20 MiB, and cover more than 300 answers a second for the whole window.
DEFAULT_REPLAY_CAPACITY = 100_000


def _digest(timestamp: int, nonce: str, signature: str) -> bytes:
    # Keyed on the signature's bytes, not its Base64 spelling: the unused low bits of the last Base64 character
    # give one signature 16 spellings (the checklist accepts only the canonical one; the key does not rely on it).
    # A fixed-size digest bounds each entry's size.
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raw = signature.encode("utf-8", "surrogatepass")
    text = f"{timestamp}\n{nonce}\n".encode("utf-8", "surrogatepass") + raw
    return hashlib.blake2b(text, digest_size=16).digest()


class ReplayGuard:
    """The verified answers seen in the last ``window`` seconds, each of which may be accepted only once.

    Thread-safe (one lock, held for a dictionary operation or two) and bounded: an entry leaves once its timestamp
    is older than ``now - window`` (the checklist refuses such an answer anyway), and beyond ``capacity`` entries
    the oldest one leaves first, so memory stays bounded even under a flood of validly signed answers.
    """

    def __init__(self, *, capacity: int = DEFAULT_REPLAY_CAPACITY, window: float = MAX_SKEW_SECONDS) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError("capacity must be a positive whole number of answers")
        self._capacity = capacity
        self._window = window
        # Insertion order is (almost) timestamp order, so eviction pops from the front.
        self._seen: dict[bytes, int] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ReplayGuard(capacity={self._capacity}, window={self._window}, size={len(self)})"

    def __len__(self) -> int:
        return len(self._seen)

    @property
    def capacity(self) -> int:
        """How many answers are remembered at most."""
        return self._capacity

    def first_sighting(self, timestamp: int, nonce: str, signature: str, *, now: float) -> bool:
        """Remember the triple and tell whether it was new; False means the same answer was accepted before."""
        key = _digest(timestamp, nonce, signature)
        oldest = now - self._window
        with self._lock:
            seen = self._seen
            if key in seen:
                return False
            # Entries out of the window can no longer verify, and the cap bounds memory whatever the clock says.
            while seen:
                first = next(iter(seen))
                if seen[first] >= oldest and len(seen) < self._capacity:
                    break
                del seen[first]
            seen[key] = timestamp
            return True
