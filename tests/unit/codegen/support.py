"""Helpers for codegen tests: golden cases, importing generated packages, and hypothesis
strategies that build valid instances of generated classes from the codegen model."""

from __future__ import annotations

import datetime
import decimal
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import strategies as st

from accord.codegen.generate import generate, service_spec
from accord.codegen.model import (
    ArrayOf,
    EnumDecl,
    Field,
    FixedDecl,
    Logical,
    MapOf,
    Named,
    Prim,
    Record,
    ServiceSpec,
    TypeRef,
    UnionOf,
)
from accord.codegen.writer import write_all
from accord.contracts import Contracts, load
from accord.contracts import pointer as jp
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "unit" / "codegen" / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "accord.yaml").is_file())
SERVICES = ("inventory", "order", "user")


def import_package(folder: Path, name: str) -> ModuleType:
    """Import a generated package from ``folder`` under the module name ``name``."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def golden_contracts(case: str) -> Contracts:
    return load(GOLDEN / case / "accord.yaml")


@dataclass(frozen=True)
class Package:
    """A generated package with the model it was generated from."""

    contracts: Contracts
    spec: ServiceSpec
    module: ModuleType

    def instances(self) -> Instances:
        return Instances(self.spec, self.module, self.contracts)

    def event_classes(self) -> list[type[Any]]:
        return [self.module.EVENTS[name] for name in sorted(self.module.EVENTS)]


def golden_package(case: str) -> Package:
    """The (single) service of a golden case: its model and its imported package."""
    contracts = golden_contracts(case)
    (service,) = contracts.services.values()
    folder = GOLDEN / case / "expected" / service.name
    return Package(
        contracts, service_spec(contracts, service), import_package(folder, f"golden_{case}")
    )


def reference_package(service: str) -> Package:
    contracts = load(ROOT / "accord.yaml")
    module = importlib.import_module(f"services.{service}.contracts")
    return Package(contracts, service_spec(contracts, contracts.services[service]), module)


# --- strategies ----------------------------------------------------------------------------

UTC = datetime.UTC
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


class Instances:
    """Strategies for valid instances of a generated package's classes."""

    def __init__(self, spec: ServiceSpec, module: ModuleType, contracts: Contracts) -> None:
        self.decls = {d.name: d for d in spec.decls}
        self.module = module
        self.contracts = contracts
        self.events_module = module.events
        self._records: dict[str, st.SearchStrategy[Any]] = {}

    def event(self, cls: type) -> st.SearchStrategy[Any]:
        return self.record(cls.__name__)

    def record(self, name: str) -> st.SearchStrategy[Any]:
        if name not in self._records:
            self._records[name] = st.deferred(lambda: self._build(name))
        return self._records[name]

    def _build(self, name: str) -> st.SearchStrategy[Any]:
        decl = self.decls[name]
        assert isinstance(decl, Record)
        cls = getattr(self.events_module, name)
        kwargs = {}
        for f in decl.fields:
            if decl.discriminator is not None and f.wire == decl.discriminator[0]:
                kwargs[f.name] = st.just(decl.discriminator[1])
                continue
            strategy = self.value(decl.format, f.type, self._constraints(decl, f))
            if decl.format == "JSON" and not f.required and not f.has_default:
                strategy = st.none() | strategy
            kwargs[f.name] = strategy
        return st.builds(cls, **kwargs)

    def _constraints(self, decl: Record, f: Field) -> dict[str, Any]:
        """JSON Schema bounds of the field (``minimum``, ``minLength``...) where present."""
        if decl.format != "JSON" or decl.origin not in self.contracts.events:
            return {}
        try:
            node = jp.resolve(self.contracts.events[decl.origin].schema.data, f.pointer)
        except KeyError:
            return {}
        return node if isinstance(node, dict) else {}

    def value(
        self, fmt: str, t: TypeRef, bounds: dict[str, Any] | None = None
    ) -> st.SearchStrategy[Any]:
        bounds = bounds or {}
        if isinstance(t, Prim):
            return self._prim(fmt, t, bounds)
        if isinstance(t, Logical):
            return self._logical(fmt, t)
        if isinstance(t, Named):
            decl = self.decls[t.name]
            if isinstance(decl, EnumDecl):
                return st.sampled_from(list(getattr(self.events_module, decl.name)))
            if isinstance(decl, FixedDecl):
                if decl.logical == "decimal":
                    return _decimals(decl.precision, decl.scale)
                return st.binary(min_size=decl.size, max_size=decl.size)
            return self.record(decl.name)
        if isinstance(t, ArrayOf):
            return st.lists(self.value(fmt, t.item), max_size=3).map(tuple)
        if isinstance(t, MapOf):
            return st.dictionaries(TEXT, self.value(fmt, t.value), max_size=3)
        assert isinstance(t, UnionOf)
        return st.one_of([self.value(fmt, b, bounds) for b in t.branches])

    def _prim(self, fmt: str, t: Prim, bounds: dict[str, Any]) -> st.SearchStrategy[Any]:
        if t.kind == "none":
            return st.none()
        if t.kind == "bool":
            return st.booleans()
        if t.kind == "int":
            small = fmt == "AVRO" and t.wire == "int"
            lo, hi = (-(2**31), 2**31 - 1) if small else (-(2**63), 2**63 - 1)
            return st.integers(bounds.get("minimum", lo), bounds.get("maximum", hi))
        if t.kind == "float":
            width = 32 if t.wire == "float" else 64
            return st.floats(width=width, allow_nan=False, allow_infinity=False)
        if t.kind == "str":
            return st.text(
                st.characters(exclude_categories=("Cs",)),
                min_size=bounds.get("minLength", 0),
                max_size=min(bounds.get("maxLength", 12), 12),
            )
        if t.kind == "bytes":
            return st.binary(max_size=12)
        return st.none() | st.booleans() | st.integers(-1000, 1000) | TEXT

    def _logical(self, fmt: str, t: Logical) -> st.SearchStrategy[Any]:
        if t.kind == "decimal":
            return _decimals(t.precision, t.scale)
        if t.kind == "uuid":
            return st.uuids()
        if t.kind == "date":
            return st.dates(datetime.date(1900, 1, 1), datetime.date(2200, 1, 1))
        millis = t.wire.endswith("millis")
        if t.kind == "time":
            times = st.times()
            return times.map(_to_millis) if millis else times
        naive = st.datetimes(datetime.datetime(1900, 1, 1), datetime.datetime(2200, 1, 1))
        if t.kind == "local_datetime":
            return naive.map(_to_millis) if millis else naive
        if fmt == "JSON":
            zones = st.sampled_from([UTC, datetime.timezone(datetime.timedelta(hours=-5))])
            return st.builds(lambda d, z: d.replace(tzinfo=z), naive, zones)
        aware = naive.map(lambda d: d.replace(tzinfo=UTC))
        return aware.map(_to_millis) if millis else aware


def _to_millis(value: Any) -> Any:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _decimals(precision: int, scale: int) -> st.SearchStrategy[decimal.Decimal]:
    limit = decimal.Decimal(10) ** (precision - scale) - decimal.Decimal(1).scaleb(-scale)
    return st.decimals(
        min_value=-limit, max_value=limit, places=scale, allow_nan=False, allow_infinity=False
    )


def write_project(
    root: Path,
    schemas: dict[str, Any],
    *,
    topic: str = "things",
    key: str | None = None,
    service: str = "svc",
    strategy: str = "topic_record",
) -> Path:
    """A small project in ``root``: one event per schema file (event name = file stem), one
    service producing and consuming them all; returns the manifest path."""
    (root / "schemas").mkdir(parents=True, exist_ok=True)
    events = {}
    for filename, schema in schemas.items():
        (root / "schemas" / filename).write_text(json.dumps(schema, indent=2))
        spec: dict[str, Any] = {"schema": f"schemas/{filename}", "topic": topic}
        if key:
            spec["key"] = key
        events[Path(filename).stem] = spec
    manifest = {
        "version": 1,
        "subject_strategy": strategy,
        "events": events,
        "services": {service: {"produces": sorted(events), "consumes": sorted(events)}},
        "codegen": {"python": {"out": "pkg/{service}"}},
    }
    path = root / "accord.yaml"
    path.write_text(json.dumps(manifest, indent=2))
    return path


def build_package(root: Path, schemas: dict[str, Any], module_name: str, **kw: Any) -> Package:
    """Generate and import the package of a :func:`write_project` project."""
    manifest = write_project(root, schemas, **kw)
    contracts = load(manifest)
    write_all(generate(contracts))
    (service,) = contracts.services.values()
    folder = root / "pkg" / service.name
    return Package(contracts, service_spec(contracts, service), import_package(folder, module_name))
