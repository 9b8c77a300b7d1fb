"""The repository is the whole product: no tracked file names a path outside it.

A user's clone has no folder beside it and none of a developer's machine paths, so code,
tests, benches, scripts, compose files and docs must not point at one. The patterns are
assembled from pieces so this file does not match itself.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.support import REPO

_SEP = "/"
FORBIDDEN = re.compile("|".join([
    re.escape(".." + _SEP + "shared"),  # the development folder beside the repository
    r"""parents?\[\d\]\s*/\s*["']shared["']""",  # the same, spelled with pathlib
    r"""\.parent\s*/\s*["']shared["']""",
    re.escape(_SEP + "work" + _SEP),  # this workplace's checkout root
    re.escape(_SEP + "root" + _SEP),  # a developer's home directories
    r"(?<![\w.])" + re.escape(_SEP + "home" + _SEP) + r"\w",
    re.escape(_SEP + "Users" + _SEP),
]))
SKIP_DIRS = {".git", ".venv", ".cache", "var", "__pycache__", ".mypy_cache", ".ruff_cache",
             ".pytest_cache", ".hypothesis"}


def tracked_files() -> list[Path]:
    """``git ls-files`` in a checkout; a walk of the tree in an unpacked archive."""
    if (REPO / ".git").exists():
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True,
                                capture_output=True).stdout.decode().split("\0")
        return [REPO / name for name in listed if name and (REPO / name).is_file()]
    found: list[Path] = []
    for root, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        found.extend(Path(root) / name for name in files)
    return found


def outside_paths(text: str) -> list[str]:
    return [match.group(0) for match in FORBIDDEN.finditer(text)]


def test_no_tracked_file_names_a_path_outside_the_repository() -> None:
    files = tracked_files()
    assert len(files) > 100, "found too few files to be the repository"
    offenders: list[str] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary (the CRF model): no paths in it
        for number, line in enumerate(text.splitlines(), 1):
            for found in outside_paths(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {found}")
    assert offenders == []


def test_the_scan_recognises_what_it_forbids() -> None:
    shared = '"' + 'shared"'
    bad = [".." + "/shared/samples", "REPO.parent / " + shared + ' / "samples"',
           "Path(__file__).resolve().parents[3] / " + shared, "/" + "work/main/data",
           "/" + "root/.m2", "/" + "home/alice/akhbar", "/" + "Users/bob/x"]
    good = ["data/anercorp/ANERCorp_CamelLab_train.txt", "shared by the workers",
            "/tmp/akhbar-test", "examples/articles/", "https://example.org/home/news"]
    assert all(outside_paths(text) for text in bad)
    assert not any(outside_paths(text) for text in good)
