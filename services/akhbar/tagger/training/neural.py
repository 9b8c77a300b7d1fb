"""Experiment: a small neural tagger (dilated CNN + CRF) over the CRF's own knowledge facts.

Run: ``.venv/bin/python -m akhbar.tagger.training.neural`` (the ``neural`` extra: jax and
optax, training only; inference is plain numpy). Results and the decision: docs/tagger.md.

Inputs per token: learnt embeddings of the word, its stem, the word behind a proclitic,
stem prefixes and word suffixes, and of every non-identity fact the CRF templates read
(clitic shape, name lists, name-part role, frequency buckets, corpus-count buckets, org
head, nisba, the six gazetteer/name/place/topic channels). Network: embeddings summed
through one linear layer, residual width-3 convolutions (dilations 1, 2, 4), label scores,
CRF transitions; trained by CRF log-likelihood with Adam, fixed seeds, several seeds
averaged. Variants scored on dev: the network alone; the **hybrid** (CRF state scores +
weight x network scores, transitions likewise; the weight chosen on the early-stopping
slice with a CRF trained without it); ``--stack``: the CRF retrained with the network's
jackknifed labels as extra attributes.

Protocol: the first 80 % of the file is the training part; its last ``VAL_SHARE`` is held
out for early stopping (never dev); dev is scored through the public API exactly as
:mod:`akhbar.tagger.training.evaluate` does, with the CRF tagger's knowledge.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from akhbar.tagger.bio import bio_spans
from akhbar.tagger.crfsuite_file import read_weights
from akhbar.tagger.features import Knowledge, Labels, Observation, WordFacts
from akhbar.tagger.model import CrfModel
from akhbar.tagger.tagger import Tagger
from akhbar.tagger.training.anercorp import ANERCORP_TRAIN, Sentence, read_sentences
from akhbar.tagger.training.evaluate import (
    _shipped_lists,
    documents,
    fold_knowledge,
    score,
    split_dev,
)
from akhbar.tagger.training.train import (
    JACKKNIFE_PARTS,
    context_topics,
    corpus_stats,
    examples,
    fit,
    train_model,
    with_counts,
)
from akhbar.tagger.viterbi import Decoder

LABELS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")
VAL_SHARE = 0.1


def _facts_values(f: WordFacts) -> tuple[str, ...]:
    """One value per entry of ``WORD_FIELDS``: what the CRF's word templates read."""
    s, b, t = f.seen, f.seen_behind, f.seen_stem
    return (
        f.word,
        f.stem,
        f.behind,
        f.stem[:2],
        f.stem[:3],
        f.word[-2:],
        f.word[-3:],
        f.clitics,
        f.shape,
        f.given,
        f.name_type,
        f.cue,
        s.per,
        s.loc,
        s.org,
        s.outside,
        b.per,
        b.loc,
        b.org,
        b.outside,
        t.per,
        t.loc,
        t.org,
        t.outside,
        f.role,
        f.role + "|" + f.stem_freq,
        f.freq,
        f.stem_freq,
        f.org,
        f.nisba,
    )


WORD_FIELDS = (
    "w",
    "s",
    "cw",
    "p2",
    "p3",
    "x2",
    "x3",
    "cl",
    "sh",
    "fn",
    "nt",
    "cue",
    "twP",
    "twL",
    "twO",
    "tw0",
    "ctP",
    "ctL",
    "ctO",
    "ct0",
    "tsP",
    "tsL",
    "tsO",
    "ts0",
    "r",
    "rf",
    "f",
    "fs",
    "oh",
    "ni",
)
GAZ_FIELDS = ("g", "fm", "pl", "tp", "tpg", "tppl")
FIELDS = WORD_FIELDS + GAZ_FIELDS
IDENTITY = {"w": 2, "s": 2, "cw": 2, "p2": 1, "p3": 2, "x2": 1, "x3": 2}  # min counts
DIMS = {"w": 64, "s": 48, "cw": 24, "p2": 16, "p3": 16, "x2": 16, "x3": 16}
SMALL_DIM = 8
PAD, UNK = 0, 1


@dataclass
class Vocab:
    """Per field: value -> id (0 pad, 1 unknown)."""

    tables: list[dict[str, int]]

    @classmethod
    def build(cls, rows: Sequence[Sequence[tuple[str, ...]]]) -> Vocab:
        counts = [Counter[str]() for _ in FIELDS]
        for sentence in rows:
            for values in sentence:
                for c, v in zip(counts, values, strict=True):
                    c[v] += 1
        tables = []
        for name, c in zip(FIELDS, counts, strict=True):
            least = IDENTITY.get(name, 1)
            kept = sorted(v for v, n in c.items() if n >= least)
            tables.append({v: i + 2 for i, v in enumerate(kept)})
        return cls(tables)

    def ids(self, values: tuple[str, ...]) -> list[int]:
        return [t.get(v, UNK) for t, v in zip(self.tables, values, strict=True)]


def token_rows(
    words: Sequence[str], gaz: Sequence[Labels], knowledge: Knowledge
) -> list[tuple[str, ...]]:
    """Field values of each token."""
    return [
        _facts_values(knowledge.info(w).facts) + tuple(g) for w, g in zip(words, gaz, strict=True)
    ]


def training_rows(
    sentences: Sequence[Sentence], knowledge: Knowledge
) -> list[list[tuple[str, ...]]]:
    """Field values with jackknifed corpus counts, as train.examples gives the CRF."""
    size = len(sentences)
    topics = context_topics(sentences, knowledge)
    out: list[list[tuple[str, ...]]] = []
    for part in range(JACKKNIFE_PARTS):
        lo, hi = part * size // JACKKNIFE_PARTS, (part + 1) * size // JACKKNIFE_PARTS
        k = with_counts(knowledge, corpus_stats([*sentences[:lo], *sentences[hi:]]))
        for i in range(lo, hi):
            _, seen = k.observe(sentences[i].words, topics[i])
            out.append(token_rows(sentences[i].words, seen.gaz_labels, k))
    return out


def heldout_rows(
    sentences: Sequence[Sentence], knowledge: Knowledge
) -> list[list[tuple[str, ...]]]:
    """Field values of held-out sentences (counts from the training part only)."""
    topics = context_topics(sentences, knowledge)
    out = []
    for s, t in zip(sentences, topics, strict=True):
        _, seen = knowledge.observe(s.words, t)
        out.append(token_rows(s.words, seen.gaz_labels, knowledge))
    return out


# ---------------------------------------------------------------- numpy inference


Array = npt.NDArray[np.float32]
Params = dict[str, Any]  # the jax parameter tree


@dataclass
class NumpyNet:
    """The trained network in numpy: first layer folded into one table per field."""

    vocab: Vocab
    table: Array  # (sum of field sizes, H): embedding @ first-layer slice, per field
    offsets: npt.NDArray[np.int64]
    b_in: Array
    convs: list[tuple[Array, Array, int]]  # (3*H, H) weight, bias, dilation
    w_out: Array
    b_out: Array
    transitions: npt.NDArray[np.float64]
    _words: dict[str, list[int]] = field(default_factory=dict)
    _gaz: dict[Labels, list[int]] = field(default_factory=dict)
    _knowledge: Knowledge | None = None

    def emissions(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """(tokens, labels) scores for one sequence of field ids (tokens, fields)."""
        h = self.table[ids + self.offsets].sum(axis=1) + self.b_in
        np.maximum(h, 0, out=h)
        size = len(h)
        for w, b, d in self.convs:
            padded = np.zeros((size + 2 * d, h.shape[1]), dtype=np.float32)
            padded[d : d + size] = h
            stacked = np.concatenate((padded[:size], h, padded[2 * d :]), axis=1)
            h = h + np.maximum(stacked @ w + b, 0)
        out: npt.NDArray[np.float64] = (h @ self.w_out + self.b_out).astype(np.float64)
        return out

    def save(self, path: Path) -> None:
        """The folded embedding table as float16, the rest as is, the vocabulary as JSON."""
        vocab = json.dumps([sorted(t, key=t.__getitem__) for t in self.vocab.tables])
        arrays: dict[str, Any] = {
            f"conv{i}_{k}": a
            for i, c in enumerate(self.convs)
            for k, a in zip("wb", c[:2], strict=True)
        }
        np.savez_compressed(
            path,
            vocab=np.array(vocab),
            table=self.table.astype(np.float16),
            offsets=self.offsets,
            b_in=self.b_in,
            w_out=self.w_out,
            b_out=self.b_out,
            transitions=self.transitions,
            dilations=np.array([c[2] for c in self.convs]),
            **arrays,
        )

    @classmethod
    def load(cls, path: Path) -> NumpyNet:
        z = np.load(path)
        tables = [{v: i + 2 for i, v in enumerate(t)} for t in json.loads(str(z["vocab"]))]
        convs = [(z[f"conv{i}_w"], z[f"conv{i}_b"], int(d)) for i, d in enumerate(z["dilations"])]
        return cls(
            Vocab(tables),
            z["table"].astype(np.float32),
            z["offsets"],
            z["b_in"],
            convs,
            z["w_out"],
            z["b_out"],
            z["transitions"],
        )

    def encode(
        self, words: Sequence[str], gaz: Sequence[Labels], knowledge: Knowledge
    ) -> npt.NDArray[np.int64]:
        """Field ids per token; word rows cached per word (per knowledge object)."""
        if self._knowledge is not knowledge:
            self._words.clear()
            self._knowledge = knowledge
        tables = self.vocab.tables
        split = len(WORD_FIELDS)
        rows: list[list[int]] = []
        for w, g in zip(words, gaz, strict=True):
            row = self._words.get(w)
            if row is None:
                values = _facts_values(knowledge.info(w).facts)
                row = self._words[w] = [
                    t.get(v, UNK) for t, v in zip(tables[:split], values, strict=True)
                ]
            grow = self._gaz.get(g)
            if grow is None:
                grow = self._gaz[g] = [
                    t.get(v, UNK) for t, v in zip(tables[split:], g, strict=True)
                ]
            rows.append(row + grow)
        return np.array(rows, dtype=np.int64).reshape(len(words), len(FIELDS))


class Ensemble:
    """Nets over one vocabulary, their scores and transitions averaged."""

    def __init__(self, nets: Sequence[NumpyNet]) -> None:
        self.nets = list(nets)
        self.transitions = np.mean([n.transitions for n in nets], axis=0)

    def encode(
        self, words: Sequence[str], gaz: Sequence[Labels], knowledge: Knowledge
    ) -> npt.NDArray[np.int64]:
        return self.nets[0].encode(words, gaz, knowledge)

    def emissions(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        out: npt.NDArray[np.float64] = np.mean([n.emissions(ids) for n in self.nets], axis=0)
        return out


class NeuralModel:
    """Drop-in for CrfModel.predict: the network alone, or its scores added to the CRF's."""

    def __init__(
        self, net: NumpyNet | Ensemble, crf: CrfModel | None = None, weight: float = 1.0
    ) -> None:
        self.net = net
        self.crf = crf
        self.weight = weight
        self.labels = crf.labels if crf else LABELS
        perm = [LABELS.index(x) for x in self.labels]
        self.perm = perm
        trans = net.transitions[np.ix_(perm, perm)]
        if crf is not None:
            base = np.array(read_weights(crf.path).transitions)
            trans = base + weight * trans
        self.decoder = Decoder(trans.tolist(), self.labels.index("O"))

    def predict(self, obs: Observation) -> list[str]:
        if not obs.words:
            return []
        ids = self.net.encode(obs.words, obs.gaz_labels, obs.knowledge)
        scores = self.net.emissions(ids)[:, self.perm]
        if self.crf is not None:
            crf = self.crf._scorer.state_scores(obs.words, obs.gaz_labels, obs.knowledge)
            scores = crf + self.weight * scores
        return [self.labels[i] for i in self.decoder.best_path(scores)]


def net_labels(net: NumpyNet | Ensemble, ids: npt.NDArray[np.int64]) -> list[str]:
    """The network's own best labels."""
    decoder = Decoder(net.transitions.tolist(), 0)
    return [LABELS[i] for i in decoder.best_path(net.emissions(ids))]


def stack_strings(labels: Sequence[str]) -> list[list[str]]:
    """CRF attributes from the network's labels: at the token and each neighbour."""
    pad = ["<s>", *labels, "<s>"]
    return [
        [
            f"nn={pad[i + 1]}",
            f"nn-1={pad[i]}",
            f"nn+1={pad[i + 2]}",
            f"nn-1|nn={pad[i]}|{pad[i + 1]}",
        ]
        for i in range(len(labels))
    ]


class StackedModel:
    """The CRF with the network's labels as extra attributes (weights from its model file)."""

    def __init__(self, net: NumpyNet | Ensemble, crf: CrfModel) -> None:
        self.net, self.crf, self.labels = net, crf, crf.labels
        weights = read_weights(crf.path)
        self.attrs: dict[str, npt.NDArray[np.float64]] = {}
        for attr, pairs in weights.state.items():
            if attr.startswith("nn"):
                v = np.zeros(len(self.labels))
                for label, w in pairs:
                    v[label] = w
                self.attrs[attr] = v
        self.zero = np.zeros(len(self.labels))

    def predict(self, obs: Observation) -> list[str]:
        if not obs.words:
            return []
        labels = net_labels(self.net, self.net.encode(obs.words, obs.gaz_labels, obs.knowledge))
        scores = self.crf._scorer.state_scores(obs.words, obs.gaz_labels, obs.knowledge)
        for i, strings in enumerate(stack_strings(labels)):
            for a in strings:
                scores[i] += self.attrs.get(a, self.zero)
        return self.crf._scorer.decode(scores)


# ---------------------------------------------------------------- jax training


@dataclass(frozen=True)
class NetParams:
    """Network and training settings (defaults: the best of the runs in docs/tagger.md)."""

    hidden: int = 128
    epochs: int = 30
    patience: int = 5  # epochs without a better early-stopping F1
    batch: int = 16
    lr: float = 1e-3
    dropout: float = 0.5
    word_dropout: float = 0.05
    seed: int = 0
    dilations: tuple[int, ...] = (1, 2, 4)


def _sizes(vocab: Vocab) -> list[int]:
    """Table sizes rounded up, so nets on different folds share one compiled step."""
    return [
        -(-(len(t) + 2) // (1024 if len(t) > 500 else 64)) * (1024 if len(t) > 500 else 64)
        for t in vocab.tables
    ]


BUCKETS = (32, 64, 128, 256, 1024)


def _batches(
    x: list[npt.NDArray[np.int64]],
    y: list[npt.NDArray[np.int64]],
    batch: int,
    rng: np.random.RandomState | None,
) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]]:
    """Length-sorted padded batches (few distinct shapes); ``rng`` shuffles their order."""
    order = np.argsort([len(s) for s in x], kind="stable")
    groups = [order[i : i + batch] for i in range(0, len(order), batch)]
    if rng is not None:
        rng.shuffle(groups)
    out = []
    for g in groups:
        longest = max(len(x[i]) for i in g)
        length = next(b for b in BUCKETS if b >= longest)  # few shapes: few compilations
        xb = np.zeros((batch, length, len(FIELDS)), dtype=np.int64)
        yb = np.zeros((batch, length), dtype=np.int64)
        mb = np.zeros((batch, length), dtype=bool)
        for r, i in enumerate(g):
            n = len(x[i])
            xb[r, :n], yb[r, :n], mb[r, :n] = x[i], y[i], True
        out.append((xb, yb, mb))
    return out


@cache
def _updater(dropout: float, lr: float, dilations: tuple[int, ...]) -> tuple[Any, Any]:
    """One jitted training step per setting, reused across nets (same padded shapes)."""
    import jax
    import jax.numpy as jnp
    import optax

    def shift(a: jax.Array, d: int) -> jax.Array:  # a[:, t - d] (zeros outside)
        if d > 0:
            return jnp.pad(a, ((0, 0), (d, 0), (0, 0)))[:, : a.shape[1]]
        return jnp.pad(a, ((0, 0), (0, -d), (0, 0)))[:, -d:]

    def emissions(p: Params, xb: jax.Array, mb: jax.Array, rng: jax.Array | None) -> jax.Array:
        e = jnp.concatenate([p["emb"][i][xb[..., i]] for i in range(len(FIELDS))], axis=-1)
        if rng is not None:
            rng, sub = jax.random.split(rng)
            e = e * jax.random.bernoulli(sub, 1 - dropout, e.shape) / (1 - dropout)
        a = jax.nn.relu(e @ p["w_in"] + p["b_in"]) * mb[..., None]
        for i, d in enumerate(dilations):
            stacked = jnp.concatenate((shift(a, d), a, shift(a, -d)), axis=-1)
            a = (a + jax.nn.relu(stacked @ p[f"c{i}"] + p[f"cb{i}"])) * mb[..., None]
            if rng is not None:
                rng, sub = jax.random.split(rng)
                a = a * jax.random.bernoulli(sub, 1 - dropout, a.shape) / (1 - dropout)
        out: jax.Array = a @ p["w_out"] + p["b_out"]
        return out

    def nll(p: Params, xb: jax.Array, yb: jax.Array, mb: jax.Array, rng: jax.Array) -> jax.Array:
        em = emissions(p, xb, mb, rng)  # (B, T, L)
        trans = p["trans"]
        gold = jnp.take_along_axis(em, yb[..., None], axis=-1)[..., 0]
        gold = (gold * mb).sum(axis=1)
        pair = trans[yb[:, :-1], yb[:, 1:]] * mb[:, 1:]
        gold = gold + pair.sum(axis=1)

        def step(alpha: jax.Array, inp: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, None]:
            e_t, m_t = inp
            new = jax.nn.logsumexp(alpha[:, :, None] + trans[None], axis=1) + e_t
            return jnp.where(m_t[:, None], new, alpha), None

        alpha0 = em[:, 0]
        alpha, _ = jax.lax.scan(step, alpha0, (em[:, 1:].swapaxes(0, 1), mb[:, 1:].swapaxes(0, 1)))
        logz = jax.nn.logsumexp(alpha, axis=1)
        loss: jax.Array = ((logz - gold) * mb[:, 0]).sum() / mb.sum()
        return loss

    opt = optax.adam(lr)

    @jax.jit  # type: ignore[untyped-decorator,unused-ignore]  # typed only with the extra
    def update(
        p: Params, state: Any, xb: jax.Array, yb: jax.Array, mb: jax.Array, rng: jax.Array
    ) -> tuple[Params, Any, jax.Array]:
        loss, grads = jax.value_and_grad(nll)(p, xb, yb, mb, rng)
        updates, state = opt.update(grads, state, p)
        return optax.apply_updates(p, updates), state, loss

    return update, opt


def train_net(
    vocab: Vocab,
    x: list[npt.NDArray[np.int64]],
    y: list[npt.NDArray[np.int64]],
    val: tuple[list[npt.NDArray[np.int64]], list[Sentence]],
    params: NetParams,
    log: list[str],
) -> NumpyNet:
    """Fit by CRF log-likelihood; keep the epoch with the best early-stopping F1."""
    import jax
    import jax.numpy as jnp

    sizes = _sizes(vocab)
    dims = [DIMS.get(f, SMALL_DIM) for f in FIELDS]
    h, n_labels = params.hidden, len(LABELS)
    key = jax.random.PRNGKey(params.seed)
    keys = jax.random.split(key, len(FIELDS) + 12)

    def glorot(k: jax.Array, shape: tuple[int, ...], fan_in: int, fan_out: int) -> jax.Array:
        lim = np.sqrt(6.0 / (fan_in + fan_out))
        return jax.random.uniform(k, shape, minval=-lim, maxval=lim)

    total = sum(dims)
    layers = range(len(params.dilations))
    p: Params = {
        "emb": [
            jax.random.normal(keys[i], (n, d)) * 0.1
            for i, (n, d) in enumerate(zip(sizes, dims, strict=True))
        ],
        "w_in": glorot(keys[-1], (total, h), total, h),
        "b_in": jnp.zeros(h),
        **{f"c{i}": glorot(keys[-2 - i], (3 * h, h), 3 * h, h) for i in layers},
        **{f"cb{i}": jnp.zeros(h) for i in layers},
        "w_out": glorot(keys[-8], (h, n_labels), h, n_labels),
        "b_out": jnp.zeros(n_labels),
        "trans": jnp.zeros((n_labels, n_labels)),
    }
    update, opt = _updater(params.dropout, params.lr, params.dilations)
    state = opt.init(p)

    rng_np = np.random.RandomState(params.seed)
    word_fields = [FIELDS.index(f) for f in ("w", "s", "cw")]
    best, best_f1, waited = None, -1.0, 0
    step_key = jax.random.PRNGKey(params.seed + 1)
    for epoch in range(params.epochs):
        started = time.process_time()
        losses = []
        for xb, yb, mb in _batches(x, y, params.batch, rng_np):
            drop = rng_np.random_sample(xb.shape[:2]) < params.word_dropout
            xb = xb.copy()
            for f in word_fields:
                xb[..., f] = np.where(drop & (xb[..., f] > PAD), UNK, xb[..., f])
            step_key, sub = jax.random.split(step_key)
            p, state, loss = update(p, state, xb, yb, mb, sub)
            losses.append(float(loss))
        net = to_numpy(p, vocab, params.dilations)
        f1 = val_f1(net, *val)
        line = (
            f"epoch {epoch + 1}: loss {np.mean(losses):.4f} val F1 {f1:.4f} "
            f"({time.process_time() - started:.0f} s CPU)"
        )
        print(line, flush=True)
        log.append(line)
        if f1 > best_f1:
            best, best_f1, waited = net, f1, 0
        else:
            waited += 1
            if waited >= params.patience:
                break
    assert best is not None
    return best


def to_numpy(p: Params, vocab: Vocab, dilations: tuple[int, ...]) -> NumpyNet:
    """The jax parameters as a numpy net, embeddings folded into the first layer."""
    emb = [np.asarray(e, dtype=np.float32) for e in p["emb"]]
    w_in = np.asarray(p["w_in"], dtype=np.float32)
    tables, at = [], 0
    for e in emb:
        tables.append(e @ w_in[at : at + e.shape[1]])
        at += e.shape[1]
    sizes = np.array([0] + [len(t) for t in tables[:-1]], dtype=np.int64)
    convs = [
        (np.asarray(p[w], dtype=np.float32), np.asarray(p[b], dtype=np.float32), d)
        for (w, b), d in zip(
            ((f"c{i}", f"cb{i}") for i in range(len(dilations))), dilations, strict=True
        )
    ]
    return NumpyNet(
        vocab,
        np.concatenate(tables).astype(np.float32),
        np.cumsum(sizes),
        np.asarray(p["b_in"], dtype=np.float32),
        convs,
        np.asarray(p["w_out"], dtype=np.float32),
        np.asarray(p["b_out"], dtype=np.float32),
        np.asarray(p["trans"], dtype=np.float64),
    )


def val_f1(
    net: NumpyNet | Ensemble, x: list[npt.NDArray[np.int64]], sentences: Sequence[Sentence]
) -> float:
    """Entity F1 of the network alone on sentences (early stopping only)."""
    decoder = Decoder(net.transitions.tolist(), 0)
    tp = npred = ngold = 0
    for ids, s in zip(x, sentences, strict=True):
        labels = [LABELS[i] for i in decoder.best_path(net.emissions(ids))]
        pred, gold = set(bio_spans(labels)), set(bio_spans(s.labels))
        tp += len(pred & gold)
        npred += len(pred)
        ngold += len(gold)
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def ids_of(vocab: Vocab, rows: list[list[tuple[str, ...]]]) -> list[npt.NDArray[np.int64]]:
    """Field ids of each sentence's tokens."""
    return [np.array([vocab.ids(r) for r in s], dtype=np.int64) for s in rows]


def trained_ensemble(
    fit_part: Sequence[Sentence],
    val_part: Sequence[Sentence],
    base: Knowledge,
    params: NetParams,
    seeds: int,
    log: list[str],
) -> Ensemble:
    """Nets trained on ``fit_part``, early-stopped on ``val_part``."""
    rows = training_rows(fit_part, base)
    vocab = Vocab.build(rows)
    x = ids_of(vocab, rows)
    y = [np.array([LABELS.index(lab) for lab in s.labels], dtype=np.int64) for s in fit_part]
    xv = ids_of(vocab, heldout_rows(val_part, fold_knowledge(base, fit_part)))
    nets = [
        train_net(vocab, x, y, (xv, list(val_part)), replace(params, seed=seed), log)
        for seed in range(seeds)
    ]
    net = Ensemble(nets)
    if seeds > 1:
        print(f"ensemble val F1 {val_f1(net, xv, val_part):.4f}", flush=True)
    return net


def jackknife_labels(
    training: Sequence[Sentence], base: Knowledge, params: NetParams, seeds: int, log: list[str]
) -> list[list[str]]:
    """Network labels of each training sentence from nets that never saw its fifth."""
    size, out = len(training), []
    for part in range(JACKKNIFE_PARTS):
        lo, hi = part * size // JACKKNIFE_PARTS, (part + 1) * size // JACKKNIFE_PARTS
        others = [*training[:lo], *training[hi:]]
        cut = len(others) - round(len(others) * VAL_SHARE)
        net = trained_ensemble(others[:cut], others[cut:], base, params, seeds, log)
        held = training[lo:hi]
        xs = ids_of(net.nets[0].vocab, heldout_rows(held, fold_knowledge(base, others)))
        out += [net_labels(net, x) for x in xs]
    return out


def fit_stacked(
    training: Sequence[Sentence], path: Path, knowledge: Knowledge, labels: list[list[str]]
) -> None:
    """The CRF trained with the network's (jackknifed) labels as extra attributes."""
    train_model(
        (
            ([f + e for f, e in zip(fs, stack_strings(nn), strict=True)], y)
            for (fs, y), nn in zip(examples(training, knowledge), labels, strict=True)
        ),
        path,
    )


def tokens_per_second(
    taggers: dict[str, Tagger], texts: Sequence[str], rounds: int = 3
) -> dict[str, float]:
    """CPU tokens/s of each tagger on ``texts`` after one warm-up pass, rounds interleaved."""
    tokens = sum(len(t.split()) for t in texts)
    for tagger in taggers.values():
        for text in texts:
            tagger.tag(text)
    spent = dict.fromkeys(taggers, 0.0)
    for _ in range(rounds):
        for name, tagger in taggers.items():
            started = time.process_time()
            for text in texts:
                tagger.tag(text)
            spent[name] += time.process_time() - started
    return {name: rounds * tokens / cpu for name, cpu in spent.items()}


def main(argv: Sequence[str] | None = None) -> None:
    """Train, choose the hybrid weight on the early-stopping slice, score dev, time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ANERCORP_TRAIN)
    parser.add_argument("--work", type=Path, default=Path(".cache/neural"), help="models here")
    parser.add_argument("--hidden", type=int, default=NetParams.hidden)
    parser.add_argument("--dilations", default="1,2,4", help="one width-3 conv layer each")
    parser.add_argument("--dropout", type=float, default=NetParams.dropout)
    parser.add_argument("--lr", type=float, default=NetParams.lr)
    parser.add_argument("--epochs", type=int, default=NetParams.epochs)
    parser.add_argument("--seeds", type=int, default=3, help="nets averaged (seeds 0..N-1)")
    parser.add_argument("--weights", default="0.2,0.3,0.5,0.7,1.0", help="hybrid candidates")
    parser.add_argument("--stack", action="store_true", help="also: CRF + jackknifed net labels")
    args = parser.parse_args(argv)
    params = NetParams(
        hidden=args.hidden,
        epochs=args.epochs,
        dropout=args.dropout,
        lr=args.lr,
        dilations=tuple(int(d) for d in args.dilations.split(",")),
    )
    (args.work / "crf").mkdir(parents=True, exist_ok=True)
    training, dev = split_dev(read_sentences(args.corpus))
    cut = len(training) - round(len(training) * VAL_SHARE)
    fit_part, val_part = training[:cut], training[cut:]
    base = _shipped_lists()
    log: list[str] = []
    started = time.process_time()
    net = trained_ensemble(fit_part, val_part, base, params, args.seeds, log)
    print(f"training: {time.process_time() - started:.0f} s CPU", flush=True)
    for i, n in enumerate(net.nets):
        n.save(args.work / f"net{i}.npz")
    # The hybrid weight is chosen on the early-stopping slice, with a CRF that never saw it.
    fit_knowledge = fold_knowledge(base, fit_part)
    fit_crf = _crf(args.work / "crf" / "fit.model", fit_part, fit_knowledge)
    val_f1s = {}
    for w in map(float, args.weights.split(",")):
        val_f1s[w] = score(_tagger(fit_knowledge, NeuralModel(net, fit_crf, w)), val_part).prf(
            "ALL"
        )[2]
        print(f"early-stopping slice, hybrid weight {w}: F1 {val_f1s[w]:.4f}", flush=True)
    weight = max(val_f1s, key=lambda w: (val_f1s[w], -w))
    knowledge = fold_knowledge(base, training)
    crf = _crf(args.work / "crf" / "dev.model", training, knowledge)
    variants: dict[str, Any] = {
        "crf": crf,
        "neural": NeuralModel(net),
        f"hybrid w={weight}": NeuralModel(net, crf, weight),
    }
    if args.stack:
        stacked = args.work / "crf" / "stacked.model"
        if not stacked.is_file():
            fit_stacked(
                training, stacked, knowledge, jackknife_labels(training, base, params, 1, log)
            )
        variants["stacked"] = StackedModel(net, CrfModel(stacked))
    results: dict[str, dict[str, float]] = {}
    for name, model in variants.items():
        scores = score(_tagger(knowledge, model), dev)
        print(scores.table(f"dev {name}"), end="\n\n", flush=True)
        results[name] = scores.summary()
    texts = [d.text for d in documents(dev)]
    fresh = {
        "crf": Tagger(fold_knowledge(base, training), CrfModel(crf.path)),
        "hybrid": _tagger(
            fold_knowledge(base, training), NeuralModel(net, CrfModel(crf.path), weight)
        ),
    }
    for name, rate in tokens_per_second(fresh, texts).items():
        print(f"{name}: {rate:,.0f} tokens/s CPU (dev documents, warm caches)")
    print(json.dumps(results))


def _tagger(knowledge: Knowledge, model: Any) -> Tagger:
    """The public tagger over any model with CrfModel's ``labels`` and ``predict``."""
    return Tagger(knowledge, model)


def _crf(path: Path, sentences: Sequence[Sentence], knowledge: Knowledge) -> CrfModel:
    """The CRF of these sentences (trained once, reused from ``path``)."""
    if not path.is_file():
        fit(sentences, path, knowledge)
    return CrfModel(path)


if __name__ == "__main__":
    main()
