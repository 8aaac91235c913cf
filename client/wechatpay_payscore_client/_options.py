"""The options a client is built from, declared once: `MerchantOptions`.

Each field of `MerchantOptions` is one option; its metadata (`Option`) says how to parse it, what it looks like,
whether it is secret and how to explain it. Everything else is derived from that one declaration:

- the environment variable (`WECHATPAY_` + the name in upper case) and the TOML key (the name) of `ClientSettings`;
- the command line flag (`--` + the name with dashes) that `add_merchant_arguments()` adds to a parser;
- what a message calls the option: the flag, the variable or the config key the operator actually used.

Adding an option is one field here (plus, when it is not passed to `create_client()` as it is, one line where
`ClientSettings.create_client()` composes it). Secrets are held in `Secret`, whose repr, str and pickle hide them.
"""

from __future__ import annotations

import hmac
import math
import re
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any

import attrs
from wechatpay_auth import ConfigurationError, check_mchid, check_serial_no, is_public_key_id, shown

from ._urls import check_base_url

if TYPE_CHECKING:
    import argparse

__all__ = [
    "ENV_PREFIX",
    "OPTIONS",
    "MerchantOptions",
    "Option",
    "Secret",
    "add_merchant_arguments",
    "option_named",
]

ENV_PREFIX = "WECHATPAY_"
_METADATA = "wechatpay_option"
_NUMBER = re.compile(r"[0-9.eE+\-]*")
_KEY_ID_SHAPE = re.compile(r"[0-9A-F_]*|PUB_KEY_ID[0-9A-Za-z_]*")
_DIGITS = re.compile(r"[0-9]*")
_MAX_TIMEOUT_S = 600.0
_MAX_ATTEMPTS = 10
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class Secret:
    """A secret string (a private key's PEM or path, a password) that never shows itself.

    `repr()`, `str()` and f-strings print `********`; a pickle carries no value (an unpickled secret raises
    `ConfigurationError` when used, so a worker process must load its own settings); `copy` keeps the value.
    `reveal()` returns it, for the one place that needs it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise ConfigurationError(f"a secret setting must be a string; got a {type(value).__name__}")
        self._value: str | None = value

    @classmethod
    def _withheld(cls) -> Secret:
        secret = cls.__new__(cls)
        secret._value = None
        return secret

    def reveal(self) -> str:
        """The secret itself."""
        if self._value is None:
            raise ConfigurationError(
                "this secret setting came through a pickle, which never carries secrets: load the settings again "
                "in this process (ClientSettings.load() or from_env())"
            )
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')" if self._value is not None else "Secret(withheld)"

    def __str__(self) -> str:
        return "********"

    def __bool__(self) -> bool:
        return bool(self._value) or self._value is None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        if self._value is None or other._value is None:
            return self._value is other._value
        return hmac.compare_digest(
            self._value.encode("utf-8", "surrogatepass"), other._value.encode("utf-8", "surrogatepass")
        )

    def __hash__(self) -> int:
        return hash(Secret)

    def __reduce__(self) -> tuple[Callable[[], Secret], tuple[()]]:
        # Rule: secrets are never in pickles.
        return (Secret._withheld, ())

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


Parser = Callable[[Any, str], Any]


@attrs.frozen
class Option:
    """One option: how it is parsed and explained; its name, variable and flag follow from the field's name."""

    help: str
    parse: Parser = attrs.field(repr=False)
    name: str = ""
    secret: bool = False
    flag: bool = True  # False: never a flag (a password on a command line is in every process listing)
    metavar: str | None = None
    repeatable: bool = False  # a list: repeat the flag, separate with commas in the variable, a TOML array
    boolean: bool = False  # a switch: a flag without value; 1/0, true/false, yes/no in a variable
    keyword: str | None = None  # create_client() keyword it is passed as when set; None: composed by the settings
    empty_allowed: bool = True  # False: an empty value is an error rather than "not set" (an empty base URL)
    aliases: tuple[str, ...] = ()  # older spellings of the flag, still accepted

    @property
    def env(self) -> str:
        """The environment variable, e.g. `WECHATPAY_MCHID`."""
        return ENV_PREFIX + self.name.upper()

    @property
    def flag_name(self) -> str | None:
        """The command line flag, e.g. `--mchid`, or None for an option that is never a flag."""
        return "--" + self.name.replace("_", "-") if self.flag else None

    def where(self) -> str:
        """Every way an operator can set the option, for a message about a missing one."""
        ways = [self.flag_name] if self.flag_name else []
        return " / ".join([*ways, self.env, f"{self.name} in the --config file"])


def _meta(**details: Any) -> dict[str, Option]:
    """A field's metadata: its `Option` (the name is filled in from the field by `OPTIONS`)."""
    return {_METADATA: Option(**details)}


def _hide_secrets(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """attrs field transformer: a field declared secret is left out of the repr, whatever else it says."""
    return [field.evolve(repr=False) if field.metadata[_METADATA].secret else field for field in fields]


# --- parsers: (raw value, what the operator typed) -> value; each names the setting and the shape, never a secret --


def _text(value: Any, label: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a TOML integer for an id
    if not isinstance(value, str):
        raise ConfigurationError(f"{label} must be a string; got a {type(value).__name__}")
    return value.strip()


def _mchid(value: Any, label: str) -> str:
    return check_mchid(_text(value, label), label)


def _serial_no(value: Any, label: str) -> str:
    return check_serial_no(_text(value, label), label)


def _public_key_id(value: Any, label: str) -> str:
    text = _text(value, label)
    if not is_public_key_id(text):
        hint = (
            "it looks like a certificate serial: platform certificates go in WECHATPAY_PLATFORM_CERTIFICATES"
            if re.fullmatch(r"[0-9A-Fa-f]{1,40}", text)
            else "copy it from the merchant platform (API security, WeChat Pay public key)"
        )
        raise ConfigurationError(
            f"{label} must be WeChat Pay's public key id, 'PUB_KEY_ID_' followed by digits such as "
            f"PUB_KEY_ID_0119000001002024112700000000; got {shown(text, _KEY_ID_SHAPE)}: {hint}"
        )
    return text


def _secret(value: Any, label: str) -> Secret:
    if isinstance(value, Secret):
        return value
    if not isinstance(value, str):
        raise ConfigurationError(f"{label} must be a string (a path, or PEM text); got a {type(value).__name__}")
    return Secret(value)


def _apiv3_secret(value: Any, label: str) -> Secret:
    if isinstance(value, Secret):
        return value
    if not isinstance(value, str):
        raise ConfigurationError(f"{label} must be a string (the key, or a file name); got a {type(value).__name__}")
    return Secret(value)


def _secret_or_none(value: Secret | str | None) -> Secret | None:
    """Converter: a secret given as a plain string is wrapped at once, so that it never sits in a repr."""
    return None if value is None else _secret(value, "a secret setting")


def _public_key_source(value: Any, label: str) -> str:
    text = _text(value, label)
    if "PRIVATE KEY" in text:
        raise ConfigurationError(
            f"{label} holds a private key (not shown): expected WeChat Pay's public key or platform certificate "
            "(a path or PEM text); the merchant's private key belongs in WECHATPAY_PRIVATE_KEY"
        )
    return text


def _certificates(value: Any, label: str) -> tuple[str, ...]:
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ConfigurationError(f"{label} must be a list of certificate paths (comma-separated in a variable)")
    return tuple(item for item in (_public_key_source(entry, label) for entry in items) if item)


def _tuple(value: Any) -> tuple[Any, ...]:
    """Converter: a single string or any sequence, as a tuple (validated by the parser)."""
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _url(value: Any, label: str) -> str:
    # Only the shape here: whether plain http is allowed is decided with allow_insecure_http, in create_client().
    return check_base_url(label, value, allow_http=True)


def _timeout(value: Any, label: str) -> float:
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()) and value.strip():
        try:
            number = float(value)
        except ValueError:
            number = math.nan
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        raise ConfigurationError(f"{label} must be a number of seconds such as 10; got {shown(value, _NUMBER)}")
    if not (math.isfinite(number) and 0 < number <= _MAX_TIMEOUT_S):
        raise ConfigurationError(
            f"{label} must be a finite number of seconds, more than 0 and at most {_MAX_TIMEOUT_S:g}; got "
            f"{shown(value, _NUMBER) if isinstance(value, str) else number}"
        )
    return number


def _attempts(value: Any, label: str) -> int:
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.isascii() and text.isdigit():
        number = int(text)
    elif isinstance(text, int) and not isinstance(text, bool):
        number = text
    else:
        raise ConfigurationError(f"{label} must be a whole number of attempts such as 3; got {shown(value, _NUMBER)}")
    if not 1 <= number <= _MAX_ATTEMPTS:
        raise ConfigurationError(f"{label} must be from 1 (no retries) to {_MAX_ATTEMPTS}; got {number}")
    return number


def _switch(value: Any, label: str) -> bool:
    if isinstance(value, bool):
        return value
    text = value.strip().lower() if isinstance(value, str) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigurationError(f"{label} must be true or false (1/0, yes/no, on/off); got {shown(value, _DIGITS)}")


@attrs.frozen(field_transformer=_hide_secrets)
class MerchantOptions:
    """Every option of a merchant's client configuration, declared once (see the module's docstring).

    Each value is checked when the object is built (`__attrs_post_init__`), so that no settings object ever holds
    a value of the wrong shape, such as a private key pasted as a serial number.
    """

    mchid: str | None = attrs.field(
        default=None, metadata=_meta(help="merchant id (digits)", parse=_mchid, keyword="mchid")
    )
    serial_no: str | None = attrs.field(
        default=None,
        metadata=_meta(help="merchant API certificate serial (upper-case hex)", parse=_serial_no, keyword="serial_no"),
    )
    private_key: Secret | None = attrs.field(
        default=None,
        converter=_secret_or_none,
        metadata=_meta(
            help="merchant API private key: a PEM file, or the PEM text itself",
            parse=_secret,
            secret=True,
            metavar="FILE",
        ),
    )
    private_key_password: Secret | None = attrs.field(
        default=None,
        converter=_secret_or_none,
        metadata=_meta(
            help="the private key's password, when it is encrypted (never a flag)",
            parse=_secret,
            secret=True,
            flag=False,
        ),
    )
    # The APIv3 key decrypts notifications (`open_event`); nothing else needs it. It is the key itself in a variable
    # or the config file, never a flag (a command line is in every process listing): a flag names a file holding it.
    # When both are set, the higher source wins (flag over variable over file); both in one source is refused.
    apiv3_key: Secret | None = attrs.field(
        default=None,
        converter=_secret_or_none,
        metadata=_meta(
            help="the APIv3 key (32 characters, set on the merchant platform), for notifications (never a flag)",
            parse=_apiv3_secret,
            secret=True,
            flag=False,
        ),
    )
    apiv3_key_file: Secret | None = attrs.field(
        default=None,
        converter=_secret_or_none,
        metadata=_meta(
            help="a file holding the APIv3 key (one trailing line end ignored), for notifications",
            parse=_apiv3_secret,
            secret=True,
            metavar="FILE",
        ),
    )
    public_key_id: str | None = attrs.field(
        default=None,
        metadata=_meta(help="WeChat Pay public key id PUB_KEY_ID_... (public-key mode)", parse=_public_key_id),
    )
    public_key: str | None = attrs.field(
        default=None,
        repr=False,  # long, and not needed to tell two settings apart
        metadata=_meta(
            help="WeChat Pay public key: a PEM file or the PEM text (public-key mode)",
            parse=_public_key_source,
            metavar="FILE",
        ),
    )
    platform_certificates: tuple[str, ...] = attrs.field(
        default=(),
        converter=_tuple,
        metadata=_meta(
            help="platform certificate file(s) (certificate mode; the serial is read from each)",
            parse=_certificates,
            metavar="FILE",
            repeatable=True,
            aliases=("--platform-certificate",),
        ),
    )
    base_url: str | None = attrs.field(
        default=None,
        metadata=_meta(
            help="API base URL (default https://api.mch.weixin.qq.com), e.g. the emulator's",
            parse=_url,
            empty_allowed=False,
        ),
    )
    backup_base_url: str | None = attrs.field(
        default=None,
        metadata=_meta(help="where retries go once the primary host is unreachable", parse=_url, empty_allowed=False),
    )
    timeout: float | None = attrs.field(
        default=None, metadata=_meta(help="seconds per attempt (default 10)", parse=_timeout, keyword="timeout")
    )
    max_attempts: int | None = attrs.field(
        default=None, metadata=_meta(help="attempts, with safe retries (1 = no retries)", parse=_attempts)
    )
    allow_insecure_http: bool = attrs.field(
        default=False,
        metadata=_meta(
            help="allow plain http to hosts other than this machine (never for WeChat Pay itself)",
            parse=_switch,
            boolean=True,
            keyword="allow_insecure_http",
        ),
    )

    def __attrs_post_init__(self) -> None:
        for option in OPTIONS:
            value = getattr(self, option.name)
            if value is not None and value != ():
                # Frozen: the checked (normalised) value replaces the given one before anyone can see it.
                object.__setattr__(self, option.name, option.parse(value, self.label(option.name)))

    def label(self, name: str) -> str:
        """What a message calls the option `name`: here the library's name; `ClientSettings` says where it was set."""
        return name


OPTIONS: tuple[Option, ...] = tuple(
    attrs.evolve(field.metadata[_METADATA], name=field.name) for field in attrs.fields(MerchantOptions)
)
_BY_NAME = {option.name: option for option in OPTIONS}


def option_named(name: str) -> Option:
    """The declared option called `name` (the field, TOML key and create_client() keyword)."""
    return _BY_NAME[name]


def add_merchant_arguments(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup, *, exclude: Collection[str] = ()
) -> None:
    """Add `--config` and a flag for every option that may be a flag (but those named in `exclude`).

    Each flag's help names its variable. Values are kept as typed (strings, `None` when absent):
    `settings_from_args()` parses them, so that a message names the flag the operator used.
    """
    unknown = set(exclude) - set(_BY_NAME)
    if unknown:
        raise ValueError(f"no such option(s): {', '.join(sorted(unknown))}")
    parser.add_argument("--config", metavar="FILE", help="TOML file with a [wechatpay] table")
    for option in OPTIONS:
        if option.flag_name is None or option.name in exclude:
            continue
        text = f"{option.help} [{option.env}]"
        if option.boolean:
            parser.add_argument(option.flag_name, action="store_true", default=None, help=text)
        elif option.repeatable:
            parser.add_argument(option.flag_name, action="append", metavar=option.metavar, help=text + " (repeatable)")
        else:
            parser.add_argument(option.flag_name, metavar=option.metavar, help=text)
