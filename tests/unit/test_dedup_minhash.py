"""Shingles, signatures and band buckets: the pieces under the Deduper."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version

from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.core.lsh import BandIndex
from akhbar.core.minhash import band_keys, estimated_jaccard, shingles, signature

TEXT = "ذكرت المتحدثة باسم المبعوث الخاص الى سوريا ان المبعوث ارسل دعوات للمشاركة في محادثات"


def test_algorithm_version_matches_the_installed_rensa() -> None:
    from akhbar.core.dedup import ALGORITHM_VERSION

    assert f"rensa{version('rensa')}" in ALGORITHM_VERSION


def test_shingles_are_overlapping_word_windows() -> None:
    assert shingles("a b c d", 3) == [b"a b c", b"b c d"]
    assert shingles("a b", 3) == [b"a b"]
    assert shingles("  ", 3) == []
    assert shingles("a b c", 1) == [b"a", b"b", b"c"]
    assert shingles("سلام عليكم", 1) == ["سلام".encode(), "عليكم".encode()]


def test_signature_is_identical_in_another_process_with_another_hash_seed() -> None:
    """Signatures are stored and compared after restarts, so they must not depend on the run."""
    code = (
        "import json, sys; from akhbar.core.minhash import signature, band_keys; "
        "s = signature(sys.argv[1]); print(json.dumps([s, band_keys(s, 16)]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, TEXT], env=env, capture_output=True,
                         check=True, text=True).stdout
    here = signature(TEXT)
    assert here is not None
    assert json.loads(out) == [here, band_keys(here, 16)]


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(TEXT.split()), min_size=3, max_size=60))
def test_estimate_is_close_to_the_true_jaccard(words: list[str]) -> None:
    first, second = " ".join(words), " ".join(words[: len(words) // 2 + 1])
    a, b = set(shingles(first)), set(shingles(second))
    sig_a, sig_b = signature(first), signature(second)
    assert sig_a is not None and sig_b is not None
    assert abs(estimated_jaccard(sig_a, sig_b) - len(a & b) / len(a | b)) <= 0.2


def test_estimated_jaccard_of_mismatched_signatures_is_zero() -> None:
    assert estimated_jaccard([1, 2, 3], [1, 2]) == 0.0
    assert estimated_jaccard([], []) == 0.0
    assert estimated_jaccard([1, 2, 3, 4], [1, 2, 0, 0]) == 0.5


def test_band_index_finds_sharers_and_forgets_removed_ids() -> None:
    index = BandIndex(bands=2)
    index.add("a", [1, 2])
    index.add("b", [1, 3])
    index.add("c", [4, 3])
    assert index.candidates([1, 9]) == {"a", "b"}
    assert index.candidates([9, 3]) == {"b", "c"}
    index.remove("b", [1, 3])
    assert index.candidates([1, 3]) == {"a", "c"}
    assert len(index) == 2 and sorted(index.bucket_sizes()) == [1, 1, 1, 1]
    index.remove("a", [1, 2])
    index.remove("c", [4, 3])
    assert index.candidates([1, 2]) == set() and list(index.bucket_sizes()) == []


def test_claim_adds_and_returns_the_other_members() -> None:
    index = BandIndex(bands=3)
    assert index.claim("a", [1, 2, 3]) == set()
    assert index.claim("b", [1, 5, 3]) == {"a"}
    assert index.claim("c", [1, 6, 7]) == {"a", "b"}
    assert index.candidates([9, 9, 3]) == {"a", "b"}
    index.remove("c", [1, 6, 7])
    assert len(index) == 2 and index.candidates([1, 6, 7]) == {"a", "b"}
