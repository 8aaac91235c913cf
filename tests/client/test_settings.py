"""`ClientSettings` and its options: one declaration, three sources, messages in the operator's terms."""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import attrs
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from wechatpay_auth import CertificateKey
from wechatpay_emulator import Emulator, demo
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore_client import ClientSettings, ConfigurationError
from wechatpay_payscore_client._options import (
    ENV_PREFIX,
    OPTIONS,
    MerchantOptions,
    Secret,
    add_merchant_arguments,
    option_named,
)
from wechatpay_payscore_client._settings import settings_from_args

from .conftest import SEED, seed_body


def demo_environ(base_url: str = "http://127.0.0.1:8000") -> dict[str, str]:
    return {
        "WECHATPAY_MCHID": demo.DEMO_MCHID,
        "WECHATPAY_SERIAL_NO": demo.DEMO_MERCHANT_SERIAL,
        "WECHATPAY_PRIVATE_KEY": str(demo.demo_merchant_private_key_path()),
        "WECHATPAY_PUBLIC_KEY_ID": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        "WECHATPAY_PUBLIC_KEY": str(demo.demo_wechatpay_public_key_path()),
        "WECHATPAY_BASE_URL": base_url,
    }


# --- one declaration -----------------------------------------------------------------------------------------------


def test_every_option_is_one_field_with_derived_names() -> None:
    assert [option.name for option in OPTIONS] == [field.name for field in attrs.fields(MerchantOptions)]
    for option in OPTIONS:
        assert option.env == ENV_PREFIX + option.name.upper()
        assert option_named(option.name) is option
        if option.flag_name is not None:
            assert option.flag_name == "--" + option.name.replace("_", "-")
    assert option_named("private_key_password").flag_name is None  # a password is never a flag
    secret = {option.name for option in OPTIONS if option.secret}
    assert secret == {"private_key", "private_key_password", "apiv3_key", "apiv3_key_file"}
    assert option_named("apiv3_key").flag_name is None  # the APIv3 key itself is never a flag: its file is
    # ClientSettings is built from the same declaration: its options are MerchantOptions' fields.
    assert {option.name for option in OPTIONS} <= {field.name for field in attrs.fields(ClientSettings)}


def test_the_parser_gets_a_flag_per_option() -> None:
    parser = argparse.ArgumentParser()
    add_merchant_arguments(parser)
    flags = {action.option_strings[0] for action in parser._actions if action.option_strings}
    expected = {option.flag_name for option in OPTIONS if option.flag_name} | {"--config", "-h"}
    assert flags == expected
    for action in parser._actions:
        option = next((o for o in OPTIONS if o.flag_name in action.option_strings), None)
        if option is not None:
            assert option.env in (action.help or "")


def test_exclude_leaves_flags_out_and_unknown_names_are_refused() -> None:
    parser = argparse.ArgumentParser()
    add_merchant_arguments(parser, exclude={"max_attempts"})
    args = parser.parse_args(["--mchid", "1900000100"])
    assert not hasattr(args, "max_attempts")
    assert settings_from_args(args, environ={"WECHATPAY_MAX_ATTEMPTS": "2"}).max_attempts == 2
    with pytest.raises(ValueError, match="no such option"):
        add_merchant_arguments(argparse.ArgumentParser(), exclude={"mchidd"})


def test_settings_from_args_flags_beat_environment_beat_file(tmp_path: Path) -> None:
    config = tmp_path / "wechatpay.toml"
    config.write_text('[wechatpay]\nmchid = 1900000999\nserial_no = "ABC"\ntimeout = 3\n')
    parser = argparse.ArgumentParser()
    add_merchant_arguments(parser)
    args = parser.parse_args(["--config", str(config), "--serial-no", "DEF", "--platform-certificate", "a.pem"])
    settings = settings_from_args(args, environ={"WECHATPAY_MCHID": "1900000100", "WECHATPAY_TIMEOUT": ""})
    assert (settings.mchid, settings.serial_no, settings.timeout) == ("1900000100", "DEF", 3.0)
    assert settings.platform_certificates == ("a.pem",)
    assert settings.label("mchid") == "WECHATPAY_MCHID"
    assert settings.label("serial_no") == "--serial-no"
    assert settings.label("timeout") == f"timeout in {config}"
    assert settings.label("base_url") == "base_url"  # not set anywhere
    assert settings.name_for("base_url") == "WECHATPAY_BASE_URL"


# --- parsing, in the operator's terms ------------------------------------------------------------------------------


def test_environment_values_are_parsed() -> None:
    settings = ClientSettings.from_env(
        {
            "WECHATPAY_TIMEOUT": "2.5",
            "WECHATPAY_MAX_ATTEMPTS": "3",
            "WECHATPAY_PLATFORM_CERTIFICATES": "a.pem, b.pem,",
            "WECHATPAY_ALLOW_INSECURE_HTTP": "yes",
            "WECHATPAY_BASE_URL": "https://gateway.example.com/wechat/",
            "WECHATPAY_PRIVATE_KEY_PASSWORD": "",  # empty: not set
            "UNRELATED": "x",
        }
    )
    assert settings.timeout == 2.5
    assert settings.max_attempts == 3
    assert settings.platform_certificates == ("a.pem", "b.pem")
    assert settings.allow_insecure_http is True
    assert settings.base_url == "https://gateway.example.com/wechat"
    assert settings.private_key_password is None


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("WECHATPAY_TIMEOUT", "ten", "WECHATPAY_TIMEOUT must be a number of seconds"),
        ("WECHATPAY_TIMEOUT", "0", "more than 0"),
        ("WECHATPAY_TIMEOUT", "inf", "WECHATPAY_TIMEOUT must be a number"),
        ("WECHATPAY_TIMEOUT", "1e9", "at most 600"),
        ("WECHATPAY_TIMEOUT", "nan", "WECHATPAY_TIMEOUT must be a number"),
        ("WECHATPAY_MAX_ATTEMPTS", "0", "from 1 (no retries) to 10"),
        ("WECHATPAY_MAX_ATTEMPTS", "3.5", "whole number"),
        ("WECHATPAY_ALLOW_INSECURE_HTTP", "maybe", "true or false"),
        ("WECHATPAY_MCHID", "19000001OO", "WECHATPAY_MCHID must be the merchant id"),
        ("WECHATPAY_SERIAL_NO", "3775b6a4", "use 3775B6A4"),
        ("WECHATPAY_PUBLIC_KEY_ID", "3775B6A4", "platform certificates go in WECHATPAY_PLATFORM_CERTIFICATES"),
        ("WECHATPAY_PUBLIC_KEY_ID", "PUB_KEY_ID_12x", "'PUB_KEY_ID_' followed by digits"),
        ("WECHATPAY_BASE_URL", "", "WECHATPAY_BASE_URL is empty"),
        ("WECHATPAY_BACKUP_BASE_URL", "ftp://x", "WECHATPAY_BACKUP_BASE_URL must be an http(s) URL"),
        ("WECHATPAY_PUBLIC_KEY", "-----BEGIN PRIVATE KEY-----\nMIIE", "WECHATPAY_PUBLIC_KEY holds a private key"),
    ],
)
def test_bad_environment_values_name_the_variable(variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match="^" + variable) as caught:
        ClientSettings.from_env({variable: value})
    assert message in str(caught.value)


def test_direct_construction_is_checked_with_library_names() -> None:
    with pytest.raises(ConfigurationError, match=r"^serial_no "):
        ClientSettings(serial_no="not hex")
    with pytest.raises(ConfigurationError, match=r"^timeout "):
        ClientSettings(timeout=-1)
    settings = ClientSettings(mchid="1900000100", private_key="key.pem", base_url="http://127.0.0.1:1/")
    assert isinstance(settings.private_key, Secret)
    assert settings.base_url == "http://127.0.0.1:1"
    with pytest.raises(ConfigurationError, match=r"missing setting\(s\): serial_no$"):
        settings.create_client()


def test_toml_file(tmp_path: Path) -> None:
    config = tmp_path / "wechatpay.toml"
    config.write_text(
        '[wechatpay]\nmchid = 1900000100\nplatform_certificates = ["a.pem", "b.pem"]\nallow_insecure_http = true\n'
        "max_attempts = 2\n"
    )
    settings = ClientSettings.from_file(config)
    assert (settings.mchid, settings.platform_certificates) == ("1900000100", ("a.pem", "b.pem"))
    assert (settings.allow_insecure_http, settings.max_attempts) == (True, 2)
    config.write_text("[wechatpay]\ntimeout = true\n")
    with pytest.raises(ConfigurationError, match=f"^timeout in {config} must be a number"):
        ClientSettings.from_file(config)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[wechatpay]\nmchid = \n", "is not valid TOML"),
        ('[wechatpay]\nmerchant = "x"\n', "unknown setting(s) 'merchant'"),
        ('mchid = "1"\n', "has no [wechatpay] table"),
        (b"\xff\xfe".decode("latin-1"), "is not"),
    ],
)
def test_bad_config_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode())
    with pytest.raises(ConfigurationError) as caught:
        ClientSettings.from_file(config)
    assert "bad.toml" in str(caught.value)
    assert message in str(caught.value)


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"cannot read configuration file .*nowhere\.toml"):
        ClientSettings.load(config_file=tmp_path / "nowhere.toml", environ={})


def test_from_mapping_and_load_refuse_unknown_names() -> None:
    with pytest.raises(ConfigurationError, match="unknown setting"):
        ClientSettings.from_mapping({"serial": "x"}, source="test")
    with pytest.raises(TypeError, match="unknown option"):
        ClientSettings.load(environ={}, serial="x")
    assert ClientSettings.load(environ={}, _origins=None).mchid is None  # an absent extra is ignored


def test_override_keeps_the_rest(tmp_path: Path) -> None:
    settings = ClientSettings.load(environ=demo_environ())
    changed = settings.override(timeout=3.0, mchid="", serial_no=None)
    assert (changed.timeout, changed.mchid, changed.serial_no) == (3.0, demo.DEMO_MCHID, demo.DEMO_MERCHANT_SERIAL)
    assert changed.label("timeout") == "timeout"
    assert changed.label("mchid") == "WECHATPAY_MCHID"


# --- composing a client --------------------------------------------------------------------------------------------


def test_client_options_load_keys_and_check_urls() -> None:
    options = ClientSettings.load(environ=demo_environ(), max_attempts="2", timeout="4").client_options()
    assert isinstance(options["private_key"], rsa.RSAPrivateKey)
    assert "private_key_password" not in options
    assert set(options["wechatpay_public_keys"]) == {demo.DEMO_WECHATPAY_PUBLIC_KEY_ID}
    assert options["retry"].max_attempts == 2
    assert options["timeout"] == 4.0
    assert options["base_url"] == "http://127.0.0.1:8000"
    assert "allow_insecure_http" not in options


def test_plain_http_elsewhere_needs_allow_insecure_http() -> None:
    environ = demo_environ("http://10.1.2.3:8000")
    with pytest.raises(ConfigurationError, match=r"^WECHATPAY_BASE_URL 'http://10\.1\.2\.3:8000' is plain http"):
        ClientSettings.load(environ=environ).client_options()
    options = ClientSettings.load(environ=environ | {"WECHATPAY_ALLOW_INSECURE_HTTP": "1"}).client_options()
    assert options["allow_insecure_http"] is True
    assert options["base_url"] == "http://10.1.2.3:8000"


def test_certificate_mode_and_both_modes() -> None:
    environ = demo_environ() | {"WECHATPAY_PLATFORM_CERTIFICATES": str(demo.demo_platform_certificate_path())}
    keys = ClientSettings.load(environ=environ).wechatpay_public_keys()
    assert set(keys) == {demo.DEMO_WECHATPAY_PUBLIC_KEY_ID, demo.DEMO_PLATFORM_SERIAL}
    assert isinstance(keys[demo.DEMO_PLATFORM_SERIAL], CertificateKey)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"WECHATPAY_PUBLIC_KEY": None}, "WECHATPAY_PUBLIC_KEY / public_key in the --config file is not set"),
        ({"WECHATPAY_PUBLIC_KEY_ID": None}, "--public-key-id / WECHATPAY_PUBLIC_KEY_ID"),
        ({"WECHATPAY_PUBLIC_KEY_ID": None, "WECHATPAY_PUBLIC_KEY": None}, "no WeChat Pay key to verify answers"),
        ({"WECHATPAY_PUBLIC_KEY": "merchant-public"}, "WECHATPAY_PUBLIC_KEY is the merchant's own public key"),
        ({"WECHATPAY_PRIVATE_KEY": "missing.pem"}, "WECHATPAY_PRIVATE_KEY is neither PEM text nor a readable file"),
        ({"WECHATPAY_PUBLIC_KEY": "missing.pem"}, "WECHATPAY_PUBLIC_KEY is neither PEM text nor a readable file"),
    ],
)
def test_key_problems_name_the_setting(changes: dict[str, str | None], message: str) -> None:
    environ = demo_environ()
    for name, value in changes.items():
        if value is None:
            environ.pop(name)
        elif value == "merchant-public":
            environ[name] = str(demo.demo_merchant_public_key_path())
        else:
            environ[name] = value
    with pytest.raises(ConfigurationError) as caught:
        ClientSettings.load(environ=environ).create_client()
    assert message in str(caught.value)


def test_a_pickled_settings_object_carries_no_secret_and_says_so() -> None:
    settings = ClientSettings.load(environ=demo_environ())
    restored = pickle.loads(pickle.dumps(settings))  # noqa: S301 - our own bytes
    assert (restored.mchid, restored.serial_no, restored.base_url) == (
        settings.mchid,
        settings.serial_no,
        settings.base_url,
    )
    with pytest.raises(ConfigurationError, match="came through a pickle"):
        restored.create_client()


def test_settings_build_a_working_client(base_url: str, emulator: Emulator) -> None:
    settings = ClientSettings.load(environ=demo_environ(base_url), timeout="5")
    with settings.create_client(reconcile=True) as client:
        response = sync_service_order.sync_detailed(SEED.out_order_no, client=client, body=seed_body())
    assert response.status_code == 204
    assert emulator.order(SEED.out_order_no).state == "DONE"
