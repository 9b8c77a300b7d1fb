"""akhbar.native: a compiled build is used only when built from this exact source, and it
gives what the source gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from akhbar import native


def test_a_build_counts_only_for_the_source_it_was_built_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "akhbar"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(native, "PACKAGE_DIR", package)
    monkeypatch.setattr(native, "BUILDS", tmp_path / "builds")
    assert native.build_dir() is None
    built = tmp_path / "builds" / native.source_digest()
    built.mkdir(parents=True)
    assert native.build_dir() is None  # not finished: no COMPLETE marker
    (built / "COMPLETE").write_text("done\n")
    assert native.build_dir() == built
    (package / "a.py").write_text("x = 2\n")  # an edit: the build is stale, never loaded
    assert native.build_dir() is None


def test_akhbar_native_0_turns_it_off() -> None:
    assert native.enabled({}) and native.enabled({"AKHBAR_NATIVE": "1"})
    assert not native.enabled({"AKHBAR_NATIVE": "0"})
    assert not native.enabled({"AKHBAR_NATIVE": "off"})


def test_compiled_and_source_outputs_are_identical(capsys: pytest.CaptureFixture[str]) -> None:
    """With a build (scripts/bootstrap makes one where a C compiler is): the same clean
    results and entities on the demo and test articles, each in a fresh process. Without
    one (no compiler, or AKHBAR_NATIVE=0), nothing compiled may be loaded."""
    if native.build_dir() is None:
        assert native.active_build() is None and native.compiled_now() == []
        if native.enabled():  # AKHBAR_NATIVE=0: from source by choice
            assert shutil.which("cc") is None, "a C compiler is here: run scripts/bootstrap"
        return
    assert native.check() == 0, capsys.readouterr().out
    assert "identical" in capsys.readouterr().out
