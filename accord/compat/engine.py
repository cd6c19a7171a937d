"""Prepared schemas and pair comparisons, memoised for the hot paths.

A schema is validated, parsed and canonicalised once per distinct content (keyed by the
SHA-256 of its sorted compact JSON plus its references), and every reader/writer comparison
is memoised by the two keys, so a transitive check over many versions, or a registry that
checks the same pair again, does the work once. Both caches are bounded (least recently used
entries go first).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from accord.compat.avro import model as avro_model
from accord.compat.inputs import Loaded
from accord.contracts import avro as avro_contract
from accord.contracts import jsonschema as json_contract
from accord.contracts.model import Schema, SchemaFormat
from accord.diagnostics import Diagnostic, Severity
from accord.errors import SchemaError

K = TypeVar("K")
V = TypeVar("V")


class _Memo(dict[K, V]):
    """A bounded memo: plain dict operations (atomic under the GIL), emptied when full."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        found = self.get(key)
        if found is not None:
            return found
        value = make()
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


@dataclass(eq=False)
class Prepared:
    """One validated schema with its parsed forms (built on first use)."""

    schema: Schema
    key: str
    references: tuple[tuple[str, Any], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def format(self) -> SchemaFormat:
        return self.schema.format

    @cached_property
    def avro(self) -> avro_model.Node:
        node: avro_model.Node | None = self.extra.pop("avro", None)
        if node is not None:
            return node  # parsed while validating
        return avro_model.parse(self.schema.data, references=[d for _, d in self.references])

    @cached_property
    def fastavro(self) -> Any:
        """fastavro's parsed form (with the referenced named types), for witnesses."""
        import fastavro

        named: dict[str, Any] = {}
        for _, ref in self.references:
            fastavro.parse_schema(ref, named_schemas=named)
        # The write hint marks it parsed, so the encoder keeps the referenced named types.
        return fastavro.parse_schema(self.schema.data, named_schemas=named)

    @cached_property
    def json(self) -> Any:
        from accord.compat.jsonschema import model as json_model

        return json_model.load(self.schema.data, references=dict(self.references))


_PREPARED: _Memo[tuple[SchemaFormat, str, str], Prepared] = _Memo(2048)
_PAIRS: _Memo[tuple[Any, ...], Any] = _Memo(8192)


def clear_caches() -> None:
    """Forget every parsed text, prepared schema and pair result (benchmarks, tests)."""
    from accord.compat import inputs

    inputs.clear()
    _PREPARED.clear()
    _PAIRS.clear()


def references_key(refs: Sequence[tuple[str, Any]]) -> str:
    if not refs:
        return ""
    return json.dumps([[n, d] for n, d in refs], sort_keys=True, separators=(",", ":"))


def prepare(
    loaded: Loaded,
    fmt: SchemaFormat,
    references: Sequence[tuple[str, Any]] = (),
    refs_key: str = "",
    label: str | None = None,
) -> Prepared:
    """The validated, memoised form of one schema; :class:`SchemaError` when invalid
    (``label`` names the schema in its problems; a file keeps its own name)."""
    key = (fmt, loaded.key, refs_key)
    found = _PREPARED.get(key)
    if found is not None:
        return found

    def make() -> Prepared:
        schema = loaded.source if loaded.given is fmt else None
        extra: dict[str, Any] = {}
        shown = loaded.shown if loaded.path is not None or label is None else label
        checked = _validated(loaded.data, fmt, loaded.text, shown, tuple(references), schema, extra)
        return Prepared(
            schema=checked,
            key=f"{fmt.value}:{loaded.key}:{refs_key}",
            references=tuple(references),
            extra=extra,
        )

    return _PREPARED.get_or_make(key, make)


def _validated(
    data: Any,
    fmt: SchemaFormat,
    text: str | None,
    file: str | None,
    refs: tuple[tuple[str, Any], ...],
    schema: Schema | None,
    extra: dict[str, Any] | None = None,
) -> Schema:
    """The checked :class:`Schema`; for Avro its node graph goes into ``extra["avro"]``."""
    if schema is not None and schema.format is fmt:
        return schema  # already validated by accord.contracts
    if text is None:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    if fmt is SchemaFormat.AVRO:
        # Lenient: what Avro Java (and so Confluent) reads is checked, nothing stricter.
        found: list[Any] = list(
            avro_contract.validate(data, known=[d for _, d in refs], lenient=True)
        )
        name = avro_contract.top_level_name(data)
    else:
        found = _json_problems(data)
        name = json_contract.record_name(data)
    made = Schema(format=fmt, text=text, data=data, name=name, file=file)
    if found:
        problems = [
            Diagnostic(p.code, Severity.ERROR, p.message, made.locate(p.pointer), fix=p.fix)
            for p in found
        ]
        kind = "Avro schema" if fmt is SchemaFormat.AVRO else "JSON Schema"
        first = problems[0].message
        raise SchemaError(f"{file or 'schema'}: not a valid {kind}: {first}", problems=problems)
    if fmt is SchemaFormat.AVRO:
        try:
            node = avro_model.parse(data, references=[d for _, d in refs])
            if extra is not None:
                extra["avro"] = node
        except avro_model.AvroModelError as exc:
            diag = Diagnostic(
                "avro-invalid",
                Severity.ERROR,
                f"unknown type {exc.name!r}",
                made.locate(exc.pointer),
                fix="define the type, or pass the schema that defines it as a reference",
            )
            raise SchemaError(f"{file or 'schema'}: unknown type", problems=[diag]) from None
    return made


_OLDER_DRAFTS = (
    "json-schema.org/draft-03/",
    "json-schema.org/draft-04/",
    "json-schema.org/draft-06/",
)


def _json_problems(data: Any) -> list[Any]:
    """Metaschema problems; drafts 3 to 6, which Confluent reads too, against their own."""
    uri = data.get("$schema") if isinstance(data, dict) else None
    if isinstance(uri, str) and any(d in uri for d in _OLDER_DRAFTS):
        import jsonschema

        from accord.contracts import pointer as jp

        cls = jsonschema.validators.validator_for(data)
        meta = cls(cls.META_SCHEMA)
        return [
            json_contract.Problem(jp.from_path(e.absolute_path), f"invalid schema: {e.message}")
            for e in sorted(meta.iter_errors(data), key=lambda e: list(map(str, e.path)))
        ]
    return list(json_contract.validate(data))


def prepare_file(data: Any, fmt: SchemaFormat, *, text: str, file: str) -> Schema:
    """A validated :class:`Schema` for a file (not memoised: it keeps the file's own text)."""
    return _validated(data, fmt, text, file, (), None)


def pair(key: tuple[Any, ...], compute: Callable[[], V]) -> V:
    """Memoised result of one reader/writer comparison."""
    result: V = _PAIRS.get_or_make(key, compute)
    return result


def cached(key: tuple[Any, ...]) -> Any:
    """A memoised comparison result, or None (the hot path: no closure is built)."""
    return _PAIRS.get(key)


def remember(key: tuple[Any, ...], value: Any) -> None:
    if len(_PAIRS) >= _PAIRS.limit:
        _PAIRS.clear()
    _PAIRS[key] = value


def reference_items(references: Mapping[str, Any] | None) -> list[tuple[str, Any]]:
    return list((references or {}).items())
