"""Compiled builds (mypyc) of the text hot paths, used only when built from this source.

The tag stage spends its time in many small typed Python functions, so no single one is
worth rewriting in another language; mypyc compiles the same modules to C, results
unchanged (``akhbar native check`` compares compiled and pure outputs).

A build lives in ``.cache/native/<digest>/`` at the repository root (``scripts/bootstrap``
runs ``akhbar native build``). The digest covers every source file of the
package and the Python version, so after an edit the package runs from source until the
next build: a stale build is never loaded. ``AKHBAR_NATIVE=0`` runs from source anyway.
Without a C compiler or mypyc the build reports why and everything runs from source.

    akhbar native build    # compile (no-op when the build is current)
    akhbar native status   # the build for this source, and what runs compiled
    akhbar native check    # compiled and pure outputs identical on the articles
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

# The modules the profile of the tag stage points at (docs/benchmarks.md). Not
# akhbar.tagger.pipeline: its rules carry their measured effect in docstrings that
# compiled closures drop.
COMPILED: tuple[str, ...] = (
    "akhbar.core.normalize",
    "akhbar.tagger.bio",
    "akhbar.tagger.crfsuite_file",
    "akhbar.tagger.entity",
    "akhbar.tagger.features",
    "akhbar.tagger.gazetteer",
    "akhbar.tagger.knowledge",
    "akhbar.tagger.lexicon",
    "akhbar.tagger.mention",
    "akhbar.tagger.model",
    "akhbar.tagger.propagate",
    "akhbar.tagger.scorer",
    "akhbar.tagger.tagger",
    "akhbar.tagger.tokens",
    "akhbar.tagger.viterbi",
)

PACKAGE_DIR = Path(__file__).resolve().parent  # services/akhbar
SOURCE_ROOT = PACKAGE_DIR.parent  # services: what mypyc resolves ``akhbar.*`` against
REPO = SOURCE_ROOT.parent
BUILDS = REPO / ".cache" / "native"
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
_SHARED = "__mypyc"  # mypyc's shared library is a top-level module named <hash>__mypyc


def source_digest() -> str:
    """Of every ``.py`` file in the package and the interpreter: what a build is valid for."""
    digest = hashlib.sha256(f"{sys.version}|{SUFFIX}|{COMPILED}".encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def build_dir() -> Path | None:
    """The build for the source as it is now, if there is one."""
    path = BUILDS / source_digest()
    return path if (path / "COMPLETE").is_file() else None


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """AKHBAR_NATIVE: 1 (default) uses a current build when there is one; 0 never does."""
    return environ.get("AKHBAR_NATIVE", "1").strip().lower() not in {"0", "false", "no", "off"}


class _CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled modules of one build before the ordinary source finder does."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.shared = {p.name.removesuffix(SUFFIX) for p in root.glob(f"*{_SHARED}{SUFFIX}")}

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname in COMPILED:
            file = self.root.joinpath(*fullname.split(".")).with_name(
                fullname.rsplit(".", 1)[1] + SUFFIX)
        elif fullname in self.shared:
            file = self.root / (fullname + SUFFIX)
        else:
            return None
        return importlib.util.spec_from_file_location(fullname, file) if file.is_file() else None


def install() -> bool:
    """Put the current build, if any, in front of the source; True when it is in use."""
    if not enabled() or any(isinstance(f, _CompiledFinder) for f in sys.meta_path):
        return active_build() is not None
    root = build_dir()
    if root is None:
        return False
    sys.meta_path.insert(0, _CompiledFinder(root))
    return True


def active_build() -> Path | None:
    for finder in sys.meta_path:
        if isinstance(finder, _CompiledFinder):
            return finder.root
    return None


def compiled_now() -> list[str]:
    """The modules imported so far that run compiled."""
    return sorted(name for name in COMPILED
                  if (module := sys.modules.get(name)) is not None
                  and (module.__file__ or "").endswith(SUFFIX))


# ---------------------------------------------------------------- build


def build(*, force: bool = False, quiet: bool = False) -> int:
    """Compile :data:`COMPILED` into ``.cache/native/<digest>``; 0 when a build is there."""
    import subprocess  # here, not at the top: every akhbar process imports this module

    digest = source_digest()
    target = BUILDS / digest
    if (target / "COMPLETE").is_file() and not force:
        if not quiet:
            print(f"native: build {digest} is current", file=sys.stderr)
        return 0
    print("native: compiling the hot paths with mypyc (about a minute) ...", file=sys.stderr)
    if importlib.util.find_spec("mypyc") is None:
        print("native: mypyc is not installed (dev extra); running from source",
              file=sys.stderr)
        return 1
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="akhbar-native-") as work:
        tree = Path(work)
        shutil.copytree(PACKAGE_DIR, tree / "services" / "akhbar",
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "data"))
        shutil.copy(REPO / "pyproject.toml", tree / "pyproject.toml")  # mypy's settings
        files = [str(Path(*name.split(".")).with_suffix(".py")) for name in COMPILED]
        command = [sys.executable, "-m", "mypyc", "--config-file", "../pyproject.toml", *files]
        env = {**os.environ, "MYPYPATH": ".", "MYPYC_OPT_LEVEL": "3"}
        result = subprocess.run(command, cwd=tree / "services", env=env, capture_output=True,
                                text=True)
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            print(f"native: mypyc failed; running from source\n{tail}", file=sys.stderr)
            return 1
        (lib,) = (tree / "services" / "build").glob("lib.*")
        staging = BUILDS / f".{digest}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        for so in lib.rglob(f"*{SUFFIX}"):
            dest = staging / so.relative_to(lib)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(so, dest)
    (staging / "COMPLETE").write_text(f"{digest}\n")
    for old in BUILDS.iterdir():
        if old.name != staging.name:
            shutil.rmtree(old, ignore_errors=True)  # one build at a time: the current one
    staging.rename(target)
    print(f"native: compiled {len(COMPILED)} modules in {time.monotonic() - started:.0f}s "
          f"into {target.relative_to(REPO)}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- check


def _tag_digest() -> str:
    """sha256 of the tagger's entities over the demo and test articles, and of their clean
    records (this process: compiled or not, as installed)."""
    import orjson

    from akhbar.core.clean import clean_article
    from akhbar.tagger import default_tagger

    tagger = default_tagger()
    digest = hashlib.sha256()
    paths = sorted((REPO / "examples" / "articles").glob("*.txt")) + sorted(
        (REPO / "tests" / "data" / "articles").glob("*.txt"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        cleaned = clean_article(title="", body=text)
        digest.update(orjson.dumps([cleaned.text, cleaned.removed, cleaned.signoff]))
        for paragraph in [text, cleaned.text, *cleaned.text.split("\n\n")]:
            digest.update(orjson.dumps([e.to_dict() for e in tagger.tag(paragraph)]))
    return f"{len(paths)} files {digest.hexdigest()}"


def check() -> int:
    """Compiled and pure outputs on the demo and test articles, each in a fresh process."""
    if build_dir() is None:
        print("native: no build for this source (akhbar native build)",
              file=sys.stderr)
        return 1
    import subprocess

    results: dict[str, list[str]] = {}
    for flag in ("0", "1"):
        code = ("import akhbar.native as n; print(n._tag_digest()); "
                "print(','.join(n.compiled_now()))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**os.environ, "AKHBAR_NATIVE": flag}, check=True)
        results[flag] = out.stdout.splitlines()
    pure, compiled = results["0"], results["1"]
    print(f"from source: {pure[0]}\ncompiled:    {compiled[0]}\n"
          f"compiled modules: {compiled[1] or 'none'}")
    same = pure[0] == compiled[0]
    print("identical" if same else "DIFFERENT")
    return 0 if same and compiled[1] and not pure[1] else 1


def run(action: str, *, force: bool = False, quiet: bool = False) -> int:
    """``akhbar native ACTION``."""
    if action == "build":
        return build(force=force, quiet=quiet)
    if action == "check":
        return check()
    import akhbar.tagger  # noqa: F401  (imports the compiled modules, if in use)

    print(f"build for this source: {build_dir() or 'none'}")
    print(f"in use: {active_build() or 'no'} "
          f"(AKHBAR_NATIVE={os.environ.get('AKHBAR_NATIVE', '1')})")
    print(f"compiled modules loaded: {', '.join(compiled_now()) or 'none'}")
    return 0
