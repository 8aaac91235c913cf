"""The APIv3 key: exactly 32 bytes, checked at construction, and never in a repr, a message, a log or a pickle."""

from __future__ import annotations

import copy
import json
import logging
import pickle
import traceback
from collections.abc import Callable

import pytest
from wechatpay_auth import APIV3_KEY_BYTES, ApiV3Key, ConfigurationError, DecryptionError, WechatPayAuth, WechatPayError

from .notification_vectors import FILE
from .test_notifications import AUTH, WRONG_APIV3_KEY, envelope, good, refused, signed

KEY = "test-only-apiv3-key-000000000000"  # the TEST-ONLY key of notification-vectors.json


def test_a_32_byte_key_in_every_form() -> None:
    assert APIV3_KEY_BYTES == 32
    for given in (KEY, KEY.encode(), ApiV3Key(KEY)):
        assert ApiV3Key(given).reveal() == KEY.encode()
    # A str is its UTF-8 bytes: 16 two-byte characters are 32 bytes.
    assert ApiV3Key("é" * 16).reveal() == "é".encode() * 16


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        (KEY + "\n", "whitespace around it, such as the line end of a file it was read from"),
        (" " + KEY, "whitespace around it"),
        (KEY[:16], "AES-128/192 key length"),
        (KEY[:24].encode(), "AES-128/192 key length"),
        (KEY[:31], "a character was lost or added when it was copied"),
        (KEY + "x", "a character was lost or added when it was copied"),
        (KEY + KEY, "a character was lost or added"),
        ("", "it is empty: set it on the merchant platform"),
        ("é" * 32, "non-ASCII characters (32 characters are 64 bytes in UTF-8)"),
    ],
)
def test_a_key_of_another_length_is_refused_with_the_reason(key: str | bytes, hint: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ApiV3Key(key)
    message = str(caught.value)
    assert message.startswith(f"apiv3_key is {len(key if isinstance(key, bytes) else key.encode())} bytes, not the 32")
    assert "(value not shown)" in message
    assert hint in message
    if len(key) > 8:
        assert str(key).strip() not in message
        assert KEY[:8] not in message


@pytest.mark.parametrize("key", [None, 123, bytearray(32), ["x"]])
def test_a_key_must_be_text_or_bytes(key: object) -> None:
    with pytest.raises(ConfigurationError, match=f"as str or bytes; got a value of type {type(key).__name__}"):
        ApiV3Key(key)  # type: ignore[arg-type]


def test_the_auth_object_checks_it_at_construction(make_auth: Callable[..., WechatPayAuth]) -> None:
    with pytest.raises(ConfigurationError, match="apiv3_key is 33 bytes") as caught:
        make_auth(apiv3_key=KEY + "\n")
    assert KEY not in "".join(traceback.format_exception(caught.value))
    make_auth(apiv3_key=ApiV3Key(KEY))
    make_auth()  # signing needs no APIv3 key


def test_never_shown() -> None:
    key = ApiV3Key(KEY)
    assert repr(key) == "ApiV3Key('********')"
    assert str(key) == "********"
    assert f"{key} {key!r} {key!s}" == "******** ApiV3Key('********') ********"
    assert not hasattr(key, "__dict__")


def test_never_pickled_but_copied() -> None:
    key = ApiV3Key(KEY)
    with pytest.raises(TypeError, match="never pickled") as caught:
        pickle.dumps(key)
    assert KEY not in str(caught.value)
    assert copy.copy(key) is key
    assert copy.deepcopy({"key": key})["key"] is key


def test_the_auth_object_does_not_show_it(make_auth: Callable[..., WechatPayAuth]) -> None:
    auth = make_auth(apiv3_key=KEY)
    for text in (repr(auth), str(auth), repr(vars(auth)), str(vars(auth))):
        assert KEY not in text
    assert "ApiV3Key('********')" in repr(vars(auth))
    with pytest.raises(TypeError):
        pickle.dumps(auth)


def test_errors_logs_and_their_pickles_do_not_carry_it(caplog: pytest.LogCaptureFixture) -> None:
    failures: list[WechatPayError] = []
    with caplog.at_level(logging.DEBUG, logger="wechatpay_auth"):
        failures.append(refused(*signed(envelope(apiv3_key=WRONG_APIV3_KEY))))  # decryption
        failures.append(refused(*signed(envelope(plaintext=b"[]"))))  # plaintext
        headers, body = good()
        failures.append(refused({**headers, "Wechatpay-Signature": "AAAA"}, body))  # signature
        AUTH.open_notification(headers, body)
    for error in failures:
        text = str(error) + repr(error) + "".join(traceback.format_exception(error))
        assert KEY not in text
        assert WRONG_APIV3_KEY not in text
        assert KEY.encode() not in pickle.dumps(error)
    decryption = failures[0]
    assert isinstance(decryption, DecryptionError)
    again = pickle.loads(pickle.dumps(decryption))  # noqa: S301 - our own pickle
    assert type(again) is DecryptionError
    assert (str(again), again.field, again.algorithm) == (str(decryption), "resource.ciphertext", "AEAD_AES_256_GCM")
    assert KEY not in caplog.text
    assert "USER_CONFIRM" in caplog.text


def test_vectors_keep_it_where_it_belongs() -> None:
    assert json.loads(FILE.read_text(encoding="utf-8"))["apiv3_key"] == KEY
