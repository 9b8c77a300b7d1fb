"""The CLI explains itself: help for every argument and option, the settings in --help."""

from __future__ import annotations

import argparse

import pytest

from akhbar.cli import _parser, main, topic_name
from akhbar.config import Settings


def subcommands() -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_argument_and_option_has_help() -> None:
    parsers = {"akhbar": _parser(), **subcommands()}
    assert {"topics", "worker", "push", "tail", "process", "tag", "demo"} <= set(parsers)
    missing = [f"{name} {action.dest}" for name, parser in parsers.items()
               for action in parser._actions
               if not action.help or action.help == argparse.SUPPRESS]
    assert missing == []
    (commands,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert all(c.help for c in commands._choices_actions)  # a line each in `akhbar --help`


def test_main_help_names_the_bootstrap_setting(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "AKHBAR_BOOTSTRAP_SERVERS" in out
    assert "dead-letter" in out  # the roles --topic accepts


def test_topic_accepts_a_role_or_a_full_name() -> None:
    settings = Settings(topic_prefix="news.")
    assert topic_name(settings, "dead-letter") == "news.dead-letter"
    assert topic_name(settings, "other.feed") == "other.feed"
    tail = subcommands()["tail"].parse_args(["--topic", "someone.elses.topic"])
    assert tail.topic == "someone.elses.topic"  # was rejected: choices were the roles only
