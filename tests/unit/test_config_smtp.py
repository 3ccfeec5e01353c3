"""The smtp: section of the configuration file (the mail server of Send E-Mail)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openpas.config import ConfigError, SmtpConfig, load_config


def config_with(tmp_path: Path, text: str) -> SmtpConfig:
    file = tmp_path / "openpas.yaml"
    file.write_text(text, encoding="utf-8")
    return load_config(file, environ={}).smtp


def test_without_a_section_mails_go_to_localhost_port_25(tmp_path: Path) -> None:
    smtp = load_config(None, tmp_path, environ={}).smtp
    assert (smtp.host, smtp.port, smtp.starttls, smtp.user, smtp.password) == (
        "localhost",
        25,
        False,
        None,
        None,
    )


def test_every_setting_is_read(tmp_path: Path) -> None:
    smtp = config_with(
        tmp_path,
        "smtp: {host: mail.example.com, port: '587', sender: loans@example.com,"
        " starttls: yes, user: loans, password: s3cret!, timeout: 5}\n",
    )
    assert smtp == SmtpConfig(
        "mail.example.com", 587, "loans@example.com", True, "loans", "s3cret!", 5.0
    )


def test_the_password_is_never_shown(tmp_path: Path) -> None:
    smtp = config_with(tmp_path, "smtp: {user: loans, password: s3cret!}\n")
    assert "s3cret!" not in repr(smtp)
    with pytest.raises(ConfigError) as caught:
        config_with(tmp_path, "smtp: {user: loans, password: 12345678}\n")
    assert "12345678" not in caught.value.message
    assert "smtp password must be a non-empty text" in caught.value.message


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("port: seven", "smtp port must be a whole number, not 'seven'"),
        ("port: 0", "smtp port is 0, below its minimum of 1"),
        ("port: 70000", "smtp port is 70000, above the largest port 65535"),
        ("starttls: maybe", "smtp starttls must be true or false"),
        ("sender: nobody", "smtp sender 'nobody' is not an address"),
        ("user: loans", "smtp user and password go together"),
        ("hots: mail", "unknown smtp setting 'hots' (did you mean 'host'?)"),
        ("host: ''", "smtp host must be a non-empty text, not ''"),
    ],
)
def test_bad_values_are_refused_clearly(tmp_path: Path, section: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_with(tmp_path, f"smtp: {{{section}}}\n")
    assert message in caught.value.message
    assert str(tmp_path / "openpas.yaml") in caught.value.message


def test_the_section_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="smtp must be a mapping"):
        config_with(tmp_path, "smtp: localhost\n")
