"""Records on the wire: orjson bytes validated against the JSON Schemas in ``schemas/``.

The schemas are the single source of truth; this module only loads and applies them.
Decoding failures become :class:`RejectedInput` with a reason for the dead-letter topic.

Untrusted input (the raw topic) is validated in full (:func:`decode`). Records our own
stages wrote get :func:`decode_trusted`: a structural check of the top-level fields
derived from the same schemas (present, of the right JSON type, enums), a few µs; the full
validator runs only to explain a record that fails it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

import jsonschema_rs
import orjson
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from akhbar.core.errors import DataFileMissing, RejectedInput

RecordKind = Literal[
    "raw_article", "clean_article", "deduped_article", "enriched_article",
    "duplicate_record", "dead_letter",
]
RECORD_KINDS: tuple[RecordKind, ...] = get_args(RecordKind)
Record = dict[str, Any]


def schema_dir() -> Path:
    """Schemas ship inside the wheel; in a source checkout they are the top-level folder."""
    packaged = resources.files("akhbar") / "schemas"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "schemas"


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    found = {p.name.removesuffix(".schema.json"): orjson.loads(p.read_bytes())
             for p in sorted(schema_dir().glob("*.schema.json"))}
    missing = set(RECORD_KINDS) - set(found)
    if missing:
        raise DataFileMissing(f"schemas missing from {schema_dir()}: {sorted(missing)}")
    return found


@cache
def validator(kind: RecordKind) -> Draft202012Validator:
    schemas = _schemas()
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    return Draft202012Validator(schemas[kind], registry=registry)


@cache
def _fast_is_valid(kind: RecordKind) -> Any:
    """The same schema compiled by jsonschema-rs (Rust): ~150x cheaper per record.

    Only its "valid" verdict is trusted; anything it rejects is judged again, with the
    messages, by the reference validator above (e.g. Rust's ``$`` does not match before a
    final newline as Python's does), so the accepted set is the reference validator's.
    """
    schemas = _schemas()
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.values()])
    return jsonschema_rs.Draft202012Validator(schemas[kind], registry=registry).is_valid


def schema_errors(kind: RecordKind, record: object) -> list[str]:
    """Human-readable violations, best first; empty when the record is valid."""
    errors = sorted(validator(kind).iter_errors(record), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"[:300] for e in errors]


def validate(kind: RecordKind, record: object) -> Record:
    """Return the record if valid, else raise ``RejectedInput('schema_violation')``."""
    if not _fast_is_valid(kind)(record):
        errors = schema_errors(kind, record)
        if errors:
            raise RejectedInput("schema_violation", f"{kind}: " + "; ".join(errors[:3]))
    assert isinstance(record, dict)
    return record


def encode(record: Record) -> bytes:
    return orjson.dumps(record)


def decode(value: bytes | None, kind: RecordKind, *, max_bytes: int | None = None) -> Record:
    """Bytes off the wire to a validated record, or a precise reason why not."""
    if value is None or not value:
        raise RejectedInput("invalid_json", "empty record value")
    if max_bytes is not None and len(value) > max_bytes:
        raise RejectedInput("record_too_large", f"record is {len(value)} bytes, over the limit "
                            f"of {max_bytes} (AKHBAR_MAX_RECORD_BYTES)")
    return validate(kind, _loads(value))


def _loads(value: bytes) -> object:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RejectedInput("invalid_utf8", f"byte {exc.start}: {exc.reason}") from exc
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise RejectedInput("invalid_json", str(exc)[:300]) from exc


def decode_trusted(value: bytes | None, kind: RecordKind) -> Record:
    """A record one of our stages wrote: parse, check the top-level structure only.

    orjson rejects invalid UTF-8 itself, so the separate UTF-8 pass of :func:`decode` is
    skipped unless parsing fails (to name the reason precisely).
    """
    if not value:
        raise RejectedInput("invalid_json", "empty record value")
    try:
        obj = orjson.loads(value)
    except orjson.JSONDecodeError:
        obj = _loads(value)  # raises with the precise reason
    if not conforms(kind, obj):
        return validate(kind, obj)  # explains the failure (or accepts what we misjudged)
    assert isinstance(obj, dict)
    return obj


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "object": (dict,),
    "array": (list,), "boolean": (bool,), "null": (type(None),),
}
Shape = tuple[frozenset[str], dict[str, tuple[tuple[type, ...], frozenset[Any] | None]]]


@cache
def _shape(kind: RecordKind) -> Shape:
    """Required keys and, per known property, its allowed Python types and enum."""
    schemas = {s["$id"].rsplit("/", 1)[-1]: s for s in _schemas().values()}

    def resolve(ref: str, base: str) -> tuple[dict[str, Any], str]:
        target, _, pointer = ref.partition("#")
        node: Any = schemas[target or base]
        for part in filter(None, pointer.split("/")):
            node = node[part]
        return node, target or base

    required: set[str] = set()
    props: dict[str, dict[str, Any]] = {}

    def merge(schema: dict[str, Any], base: str) -> None:
        if "$ref" in schema:
            merge(*resolve(schema["$ref"], base))
        required.update(schema.get("required", ()))
        for name, spec in schema.get("properties", {}).items():
            while "$ref" in spec and "type" not in spec and "enum" not in spec:
                spec, base = resolve(spec["$ref"], base)
            props.setdefault(name, {}).update(spec)

    merge(_schemas()[kind], f"{kind}.schema.json")
    checks: dict[str, tuple[tuple[type, ...], frozenset[Any] | None]] = {}
    for name, spec in props.items():
        kinds = spec.get("type")
        if isinstance(kinds, str):
            kinds = [kinds]
        types = tuple(t for k in kinds or () for t in _JSON_TYPES[k])
        enum = frozenset(spec["enum"]) if "enum" in spec else None
        if types or enum is not None:
            checks[name] = (types, enum)
    return frozenset(required), checks


def conforms(kind: RecordKind, obj: object) -> bool:
    """The structural check: an object with every required key, known keys well typed."""
    if not isinstance(obj, dict):
        return False
    required, checks = _shape(kind)
    if not required <= obj.keys():
        return False
    for name, value in obj.items():
        check = checks.get(name)
        if check is None:
            continue
        types, enum = check
        if types and (not isinstance(value, types) or
                      (isinstance(value, bool) and bool not in types)):
            return False
        if enum is not None and value not in enum:
            return False
    return True
