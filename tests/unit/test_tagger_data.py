"""Gazetteer building, corpus reading and scoring: the pieces behind the numbers."""

from __future__ import annotations

from pathlib import Path

from akhbar.tagger.gazetteer import GazEntry, Gazetteer, load_gazetteer, name_key
from akhbar.tagger.training.anercorp import Sentence, bio_spans, map_label, read_sentences
from akhbar.tagger.training.build_gazetteer import country_rows, curated_rows, merge, plain
from akhbar.tagger.training.evaluate import Scores, documents


def test_plain_strips_diacritics_but_keeps_hamza() -> None:
    assert plain("الجمهوريّة العربيّة السّوريّة") == "الجمهورية العربية السورية"
    assert plain("إيران") == "إيران"


def test_country_rows_carry_cldr_names_and_sure_ids() -> None:
    rows = {r["canonical"]: r for r in country_rows()}
    assert rows["سوريا"]["qid"] == "Q858"
    assert "الجمهورية العربية السورية" in rows["سوريا"]["variants"].split("|")
    assert "مالي" not in rows  # an everyday word ("financial") is not a bare country name


def test_curated_layer_wins_on_clashes() -> None:
    generated = [{"canonical": "عمان", "type": "LOC", "qid": "Q842", "variants": "",
                  "source": "cldr+iso"}]
    merged = merge([generated, curated_rows()])
    oman = [r for r in merged if r["canonical"] == "عمان"]
    assert len(oman) == 1 and oman[0]["source"] == "curated"


def test_shipped_gazetteer_has_no_duplicate_keys_across_entries() -> None:
    gazetteer = load_gazetteer()
    keys = [key for key, _ in gazetteer.names()]
    assert len(keys) == len(set(keys))
    assert len(keys) > 1000


def test_longest_match_wins() -> None:
    gazetteer = Gazetteer([
        GazEntry("الجيش السوري الحر", "ORG", None, ()),
        GazEntry("سوريا", "LOC", None, ()),
    ])
    words = name_key("قال الجيش السوري الحر في سوريا")
    found = [(m.first, m.end, m.entry.type) for m in gazetteer.find(words)]
    assert found == [(1, 4, "ORG"), (5, 6, "LOC")]


def test_anercorp_labels_are_mapped(tmp_path: Path) -> None:
    corpus = tmp_path / "c.txt"
    corpus.write_text("قال O\nجورج B-PERS\nبوش I-PERS\nفي O\nالمونديال B-MISC\n\nأ O\n",
                      encoding="utf-8")
    first, second = read_sentences(corpus)
    assert first.labels == ("O", "B-PER", "I-PER", "O", "O")
    assert second.words == ("ا",)
    assert map_label("I-ORG") == "I-ORG"


def test_bio_spans_and_documents_offsets() -> None:
    assert bio_spans(["B-PER", "I-PER", "O", "I-LOC", "B-ORG"]) == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 5, "ORG"),
    ]
    sentences = [
        Sentence(("a", "b"), ("B-LOC", "O"), ("A", "bb")),
        Sentence(("c",), ("B-PER",), ("C",)),
    ]
    (doc,) = documents(sentences)
    assert doc.words == ["a", "b", "c"]
    assert doc.text == "A bb\nC"
    assert doc.starts == [0, 2, 5]
    assert doc.gold == {(0, 1, "LOC"), (2, 3, "PER")}


def test_scores_are_exact_span_and_type() -> None:
    scores = Scores.empty()
    scores.add({(0, 2, "PER"), (3, 4, "LOC")}, {(0, 2, "PER"), (3, 5, "LOC")})
    assert scores.prf("PER") == (1.0, 1.0, 1.0)
    assert scores.prf("LOC") == (0.0, 0.0, 0.0)
    assert scores.prf("ALL") == (0.5, 0.5, 0.5)


def test_dev_is_the_last_fifth_and_folds_cover_the_rest_contiguously() -> None:
    from akhbar.tagger.training.evaluate import folds, split_dev

    sentences = [Sentence((str(i),), ("O",)) for i in range(103)]
    training, dev = split_dev(sentences)
    assert training + dev == sentences and len(dev) == 21
    parts = folds(training, 5)
    held = [h for _, h in parts]
    assert [s for h in held for s in h] == training  # in order, no gaps, no overlap
    for train, h in parts:
        assert not set(map(id, train)) & set(map(id, h))
        assert len(train) + len(h) == len(training)


def test_entity_character_spans_map_back_to_corpus_tokens() -> None:
    from akhbar.tagger.entity import Entity
    from akhbar.tagger.training.evaluate import token_spans

    sentences = [Sentence(("قال", "وبوش"), ("O", "B-PER"), ("قال", "وبوش"))]
    (doc,) = documents(sentences)

    class OneEntity:
        def tag(self, text: str) -> list[Entity]:
            start = text.index("بوش")  # the tagger leaves the clitic out of the span
            return [Entity("PER", "بوش", start, start + 3, "بوش", None, "model")]

    assert token_spans(OneEntity(), doc) == {(1, 2, "PER")}  # type: ignore[arg-type]


def test_the_run_time_never_imports_the_training_package() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from akhbar.tagger import default_tagger; default_tagger().tag('قال بوش');"
        "print(sorted(m for m in sys.modules if m.startswith('akhbar.tagger.training')))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
