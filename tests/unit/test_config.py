from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.config import Settings
from akhbar.core.errors import ConfigError
from akhbar.kafka.connection import aiokafka_options


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings.bootstrap_servers == "127.0.0.1:9092"
    assert settings.topic("raw") == "akhbar.raw"
    assert settings.group("dedup") == "akhbar-dedup"
    assert settings.port_for("tag") == 9103


def test_environment_is_read_with_one_prefix() -> None:
    settings = Settings.from_env({
        "AKHBAR_TOPIC_PREFIX": "news.", "AKHBAR_PARTITIONS": "6",
        "AKHBAR_DEDUP_THRESHOLD": "0.75", "AKHBAR_DATA_DIR": "/srv/akhbar",
        "AKHBAR_PRODUCER_LINGER_MS": "25", "OTHER_VAR": "ignored",
    })
    assert settings.producer_linger_ms == 25
    assert settings.topic("dead-letter") == "news.dead-letter"
    assert settings.partitions == 6
    assert settings.dedup_threshold == 0.75
    assert settings.data_dir == Path("/srv/akhbar")


@pytest.mark.parametrize("env, message", [
    ({"AKHBAR_PARTITONS": "3"}, "unknown setting"),
    ({"AKHBAR_PARTITIONS": "three"}, "not a number"),
    ({"AKHBAR_DEDUP_THRESHOLD": "1.5"}, "DEDUP_THRESHOLD"),
    ({"AKHBAR_PRODUCER_LINGER_MS": "-1"}, "PRODUCER_LINGER_MS"),
    ({"AKHBAR_SECURITY_PROTOCOL": "SASL_SSL"}, "SASL needs"),
])
def test_bad_settings_fail_with_a_clear_message(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_sasl_settings_reach_aiokafka_and_the_password_stays_hidden() -> None:
    settings = Settings.from_env({
        "AKHBAR_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "AKHBAR_SASL_MECHANISM": "SCRAM-SHA-512",
        "AKHBAR_SASL_USERNAME": "ingest", "AKHBAR_SASL_PASSWORD": "s3cret",
    })
    options = aiokafka_options(settings)
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_username"] == "ingest"
    assert options["sasl_plain_password"] == "s3cret"
    assert "s3cret" not in repr(settings)


def test_ssl_settings_build_a_verifying_context() -> None:
    settings = Settings.from_env({"AKHBAR_SECURITY_PROTOCOL": "SSL"})
    context = aiokafka_options(settings)["ssl_context"]
    assert context.check_hostname is True
