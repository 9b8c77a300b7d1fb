"""Read the weights of a crfsuite CRF1d model file (the ``lCRF``/``FOMC`` format).

``pycrfsuite.Tagger.info()`` parses crfsuite's text dump, which prints weights with six
decimals; decoding with those would not reproduce crfsuite's labels exactly. The file
itself stores doubles, so the compiled scorer reads it directly: a header, a ``FEAT``
chunk of (type, source, destination, weight) records and two ``CQDB`` string tables
(labels, attributes) whose backward arrays map ids to strings.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from akhbar.core.errors import DataFileCorrupt

_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_CHUNK = struct.Struct("<4sII")
_FEATURE = struct.Struct("<IIId")
_CQDB = struct.Struct("<4sIIIII")
_STATE, _TRANSITION = 0, 1


@dataclass(frozen=True, slots=True)
class CrfWeights:
    """Labels in model order, state weights per attribute, transitions ``[from][to]``."""

    labels: tuple[str, ...]
    state: dict[str, list[tuple[int, float]]]
    transitions: tuple[tuple[float, ...], ...]


def _strings(data: bytes, offset: int, count: int) -> list[str]:
    """Id -> string through a CQDB chunk's backward array."""
    chunk_id, _, _, _, size, backward = _CQDB.unpack_from(data, offset)
    if chunk_id != b"CQDB" or size < count:
        raise DataFileCorrupt("crfsuite model: bad string table")
    out: list[str] = []
    for index in range(count):
        (record,) = struct.unpack_from("<I", data, offset + backward + 4 * index)
        start = offset + record
        ident, length = struct.unpack_from("<II", data, start)
        if ident != index:
            raise DataFileCorrupt("crfsuite model: string table out of order")
        out.append(data[start + 8 : start + 8 + length - 1].decode("utf-8"))
    return out


def read_weights(path: Path) -> CrfWeights:
    """Every weight of the model at ``path``, exactly as crfsuite stores it."""
    data = path.read_bytes()
    magic, _, kind, _, _, n_labels, n_attrs, off_feat, off_labels, off_attrs, _, _ = (
        _HEADER.unpack_from(data, 0)
    )
    if magic != b"lCRF" or kind != b"FOMC":
        raise DataFileCorrupt(f"not a crfsuite CRF1d model: {path}")
    chunk, _, n_features = _CHUNK.unpack_from(data, off_feat)
    if chunk != b"FEAT":
        raise DataFileCorrupt(f"crfsuite model without a feature chunk: {path}")
    labels = _strings(data, off_labels, n_labels)
    attrs = _strings(data, off_attrs, n_attrs)
    state: dict[str, list[tuple[int, float]]] = {}
    trans = [[0.0] * n_labels for _ in range(n_labels)]
    for kind_id, src, dst, weight in _FEATURE.iter_unpack(
        data[off_feat + _CHUNK.size : off_feat + _CHUNK.size + n_features * _FEATURE.size]
    ):
        if kind_id == _STATE:
            state.setdefault(attrs[src], []).append((dst, weight))
        elif kind_id == _TRANSITION:
            trans[src][dst] = weight
        else:
            raise DataFileCorrupt(f"crfsuite model: unknown feature type {kind_id}")
    return CrfWeights(tuple(labels), state, tuple(tuple(row) for row in trans))
