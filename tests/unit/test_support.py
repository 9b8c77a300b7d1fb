"""The shared test helpers (tests/support) do what the tests built on them assume."""

from __future__ import annotations

from akhbar.core.normalize import match_form
from tests.support.corpus import sample_texts
from tests.support.variants import DIACRITICS, orthographic_variant


def test_samples_are_there() -> None:
    texts = dict(sample_texts())
    assert len(texts) >= 3
    assert all(len(t) > 500 for t in texts.values())


def test_orthographic_variant_changes_the_surface() -> None:
    text = next(iter(dict(sample_texts()).values()))[:500]
    variant = orthographic_variant(text, seed=1)
    assert variant != text
    assert any(ch in variant for ch in DIACRITICS)
    assert "ـ" in variant


def test_orthographic_variant_has_the_same_match_form() -> None:
    for _name, text in sample_texts():
        variant = orthographic_variant(text, seed=2)
        assert variant != text
        assert match_form(variant) == match_form(text)
