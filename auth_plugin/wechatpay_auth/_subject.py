"""What one run of the signature checklist verifies (an answer, or a notification), as its errors name it."""

from __future__ import annotations

import attrs

__all__ = ["NOTIFICATION", "Subject"]

_RECONCILE = "the request may already have taken effect: query the order before any retry"
_REDELIVERY = "WeChat Pay delivers it again, correctly signed, once it is answered with a 4xx or 5xx status"


@attrs.frozen
class Subject:
    """The message a checklist run verifies, in the words its errors use.

    Protocol rule: answers and notifications are verified by the same checklist over ``TIMESTAMP\\nNONCE\\nBODY\\n``;
    only what a refusal means differs. ``noun`` and ``name`` name the message (``name`` with the call it answers),
    ``status`` ends each message (``HTTP 204`` or ``notification``), ``consequence`` says what the refusal means for
    the caller, and ``outcome_unknown`` whether a request of ours may have been applied regardless.
    """

    noun: str
    name: str
    status: str
    consequence: str
    outcome_unknown: bool

    @classmethod
    def answer(cls, method: str, target: bytes, status_code: int) -> Subject:
        """An answer to ``method`` ``target`` (the request line's path and query) with HTTP ``status_code``."""
        name = f"answer to {method} {target.decode('ascii', 'replace')}"
        return cls("answer", name, f"HTTP {status_code}", _RECONCILE, outcome_unknown=True)


NOTIFICATION = Subject("notification", "notification", "notification", _REDELIVERY, outcome_unknown=False)
