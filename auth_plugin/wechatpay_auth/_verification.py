"""The outcome of verifying an answer, recorded on ``response.extensions``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import httpx

__all__ = ["EXTENSION", "Verification", "record", "verification_of"]

EXTENSION = "wechatpay_verification"


@attrs.frozen
class Verification:
    """What the signature checklist established about one answer or notification.

    ``verified`` is True only when every step passed; an unsigned non-2xx answer (a gateway's HTML 502) is let
    through with ``verified=False`` (a notification never is). The other fields are the message's ``Wechatpay-*`` /
    ``Request-ID`` values.
    """

    verified: bool
    serial: str | None = None
    timestamp: int | None = None
    nonce: str | None = None
    request_id: str | None = None


def record(response: httpx.Response, verification: Verification) -> None:
    """Attach ``verification`` to ``response`` under ``extensions["wechatpay_verification"]``."""
    # httpx types extensions as a read-only Mapping: replace it rather than mutate it.
    response.extensions = {**response.extensions, EXTENSION: verification}


def verification_of(response: httpx.Response) -> Verification | None:
    """Return the verification recorded on ``response``, or None when ``WechatPayAuth`` never checked it."""
    found = response.extensions.get(EXTENSION)
    return found if isinstance(found, Verification) else None
