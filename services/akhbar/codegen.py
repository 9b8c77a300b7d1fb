"""Generate :mod:`akhbar.record_types` (one ``TypedDict`` per record kind) from ``schemas/``.

The JSON Schemas stay the single source of truth; this turns them into types mypy can check,
so a field added to a schema and not to the code (or the other way round) is a type error.
``tests/unit/test_record_types.py`` fails when the generated module is out of date.

    .venv/bin/python -m akhbar.codegen          # rewrite services/akhbar/record_types.py
"""

from __future__ import annotations

import keyword
from pathlib import Path
from typing import Any

import orjson

from akhbar.records import RECORD_KINDS, schema_dir

TARGET = Path(__file__).resolve().parent / "record_types.py"
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool",
            "null": "None"}
Schema = dict[str, Any]


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


class _Generator:
    """Walks the schemas; each ``$defs`` object becomes a class, each record kind too."""

    def __init__(self, schemas: dict[str, Schema]) -> None:
        self.schemas = schemas
        self.defs: Schema = schemas["defs"]["$defs"]
        self.classes: dict[str, str] = {}  # class name -> source, in dependency order
        self.parents: list[str] = []  # classes being built, innermost last

    def _resolve(self, ref: str) -> tuple[str, Schema]:
        """``defs.schema.json#/$defs/entity`` -> ("entity", its schema)."""
        name = ref.rsplit("/", 1)[-1]
        return name, self.defs[name]

    def _merged(self, schema: Schema) -> Schema:
        """A schema with its ``$ref`` base folded in (properties and required united)."""
        if "$ref" not in schema:
            return schema
        _, base = self._resolve(schema["$ref"])
        base = self._merged(base)
        merged = {**base, **{k: v for k, v in schema.items() if k != "$ref"}}
        merged["properties"] = {**base.get("properties", {}), **schema.get("properties", {})}
        merged["required"] = [*base.get("required", []), *schema.get("required", [])]
        return merged

    def type_of(self, schema: Schema, hint: str) -> str:
        if "$ref" in schema and not schema.get("properties"):
            name, target = self._resolve(schema["$ref"])
            if target.get("type") == "object" and "properties" in target:
                return self.object_class(_camel(name), target)
            return self.type_of(target, name)
        if "$ref" in schema:  # a reference narrowed in place: a class of its own
            parent = self.parents[-1].removesuffix("Record").removesuffix("Article")
            return self.object_class(parent + _camel(hint), self._merged(schema))
        if "enum" in schema:
            return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
        kinds = schema.get("type", "object")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        parts = [self._one(kind, schema, hint) for kind in kinds]
        return " | ".join(parts)

    def _one(self, kind: str, schema: Schema, hint: str) -> str:
        if kind in _SCALARS:
            return _SCALARS[kind]
        if kind == "array":
            return f"list[{self.type_of(schema.get('items', {}), hint + '_item')}]"
        if "properties" in schema:
            return self.object_class(_camel(hint), schema)
        values = schema.get("additionalProperties")
        value_type = self.type_of(values, hint) if isinstance(values, dict) else "Any"
        return f"dict[str, {value_type}]"

    def object_class(self, name: str, schema: Schema) -> str:
        if name in self.classes:
            return name
        self.classes[name] = ""  # reserve: nested classes are emitted before this one
        self.parents.append(name)
        required = set(schema.get("required", []))
        rows: list[tuple[str, str]] = []
        for key, prop in schema.get("properties", {}).items():
            annotation = self.type_of(prop, key)
            rows.append((key, annotation if key in required else f"NotRequired[{annotation}]"))
        self.parents.pop()
        doc = (schema.get("description") or schema.get("title") or name).split(". ")[0]
        doc = doc.rstrip(".").replace('"', "'")
        if all(key.isidentifier() and not keyword.iskeyword(key) for key, _ in rows):
            body = "\n".join(f"    {key}: {annotation}" for key, annotation in rows)
            source = f'class {name}(TypedDict):\n    """{doc}."""\n\n{body or "    pass"}\n'
        else:
            items = "".join(f"    {key!r}: {annotation},\n" for key, annotation in rows)
            source = f'{name} = TypedDict("{name}", {{\n{items}}})\n"""{doc}."""\n'
        del self.classes[name]
        self.classes[name] = source
        return name


def render() -> str:
    """The source of :mod:`akhbar.record_types` for the schemas as they are now."""
    folder = schema_dir()
    schemas = {p.name.removesuffix(".schema.json"): orjson.loads(p.read_bytes())
               for p in sorted(folder.glob("*.schema.json"))}
    generator = _Generator(schemas)
    names = {kind: generator.object_class(_camel(kind), generator._merged(schemas[kind]))
             for kind in RECORD_KINDS}
    # No `from __future__ import annotations` in the generated module: on Python 3.11 a
    # TypedDict with string annotations reports NotRequired keys as required.
    header = ('"""One ``TypedDict`` per record kind, generated from ``schemas/`` by '
              "``python -m akhbar.codegen``.\n\nDo not edit: change the schema and "
              're-generate.\n"""\n\n'
              "from typing import Any, Literal, NotRequired, TypedDict\n\n"
              "__all__ = [" + ", ".join(repr(n) for n in sorted(generator.classes)) + "]\n")
    kinds = "\n".join(f"    {kind!r}: {name}," for kind, name in names.items())
    table = f"\nRECORD_TYPES: dict[str, type[Any]] = {{\n{kinds}\n}}\n"
    return header + "\n\n" + "\n\n".join(generator.classes.values()) + table


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
