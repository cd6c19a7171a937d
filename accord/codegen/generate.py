"""``accord generate``: the contracts model -> one Python package per service.

Per service (manifest order does not matter: everything is sorted), the events it produces and
consumes are lowered into one :class:`~accord.codegen.model.ServiceSpec` (shared named types
declared once), rendered by the Python target, formatted, and returned as
:class:`~accord.codegen.writer.GeneratedFile` records. Nothing touches the disk until every
module of every selected service has been generated and compiled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from accord.codegen.avro import AvroLowering
from accord.codegen.decls import DeclTable, fail, located_error
from accord.codegen.jsonschema import JsonLowering
from accord.codegen.model import EventSpec, Record, ServiceSpec, TypeRef, nullable
from accord.codegen.targets.python import target
from accord.codegen.writer import GeneratedFile, format_source
from accord.contracts import pointer as jp
from accord.contracts.loader import display_path
from accord.contracts.model import Contracts, Event, SchemaFormat, Service
from accord.contracts.suggest import did_you_mean
from accord.diagnostics import Location
from accord.errors import CodegenError, UsageError

DEFAULT_OUT = "services/{service}/contracts"


def generate(contracts: Contracts, services: Iterable[str] | None = None) -> list[GeneratedFile]:
    """Every file of the selected services' packages (default: all services), sorted."""
    files: list[GeneratedFile] = []
    for name in select(contracts, services):
        folder = output_folder(contracts, name)
        spec = service_spec(contracts, contracts.services[name])
        try:
            modules = target.render(spec)
        except target.TargetError as exc:
            schema = contracts.events[exc.event].schema
            raise fail(schema, exc.pointer, exc.message) from None
        for module, source in sorted(modules.items()):
            path = folder / module
            files.append(GeneratedFile(path, display_path(path), format_source(source, module)))
    return files


def select(contracts: Contracts, services: Iterable[str] | None) -> list[str]:
    known = sorted(contracts.services)
    if services is None:
        return known
    chosen = sorted(set(services))
    for name in chosen:
        if name not in contracts.services:
            raise UsageError.at(
                f"no service {name!r} in {contracts.manifest_file}",
                file=contracts.manifest_file,
                fix=did_you_mean(name, known) or f"services: {', '.join(known) or 'none'}",
                code="unknown-service",
            )
    return chosen


def out_template(contracts: Contracts) -> str:
    python = contracts.codegen.get("python")
    return python.out if python is not None else DEFAULT_OUT


def output_folder(contracts: Contracts, service: str) -> Path:
    """Where ``service``'s package goes; refuses anything outside the manifest's folder."""
    template = out_template(contracts)
    out = contracts.locate("/codegen/python/out")
    if "{service}" not in template and len(contracts.services) > 1:
        raise _out_error(
            out,
            f"codegen.python.out {template!r} has no {{service}} placeholder, so every service"
            " would write the same package",
            'use a pattern such as "services/{service}/contracts"',
        )
    if service in ("", ".", "..") or any(c in service for c in "/\\\0") or service[0] == ".":
        raise _out_error(
            contracts.locate(jp.join("/services", service)),
            f"service name {service!r} cannot be a folder name of generated code",
            "name services with letters, digits, '-' and '_' only",
        )
    root = contracts.root.resolve()
    folder = (root / template.replace("{service}", service)).resolve()
    if not folder.is_relative_to(root):
        raise _out_error(
            out,
            f"generated code for service {service!r} would go to {folder}, outside {root}",
            "make codegen.python.out a folder inside the project",
        )
    return folder


def _out_error(where: Location, message: str, fix: str) -> CodegenError:
    return located_error(where, message, fix, "codegen-out")


def registered_text(event: Event) -> str:
    """The schema text producers register: Confluent's canonical string (Avro) or compact
    JSON in the file's own key order (JSON Schema, whose canonical form keeps order)."""
    schema = event.schema
    if schema.format is SchemaFormat.AVRO:
        return schema.confluent_canonical
    return json.dumps(schema.data, separators=(",", ":"), ensure_ascii=False)


def service_spec(contracts: Contracts, service: Service) -> ServiceSpec:
    events = sorted(set(service.produces) | set(service.consumes))
    names = target.service_names(service.name, events)
    table = DeclTable(reserved={names.producer, names.consumer})
    specs = []
    validate = bool(
        contracts.codegen["python"].options.get("validate_json", True)
        if "python" in contracts.codegen
        else True
    )
    for name in events:
        event = contracts.events[name]
        schema = event.schema
        lowering = (
            AvroLowering(table, schema, name)
            if schema.format is SchemaFormat.AVRO
            else JsonLowering(table, schema, name)
        )
        try:
            root = lowering.root()
        except RecursionError:
            raise fail(schema, "", "the schema is nested too deeply to generate code") from None
        record = table.get(root)
        assert isinstance(record, Record)
        key_attr, key_type = _key(record, event.key)
        specs.append(
            EventSpec(
                event_name=name,
                record=root,
                format="AVRO" if schema.format is SchemaFormat.AVRO else "JSON",
                topic=event.topic,
                subject=event.subject,
                record_name=schema.name,
                fingerprint=schema.fingerprint,
                schema_text=registered_text(event),
                key_field=event.key,
                key_attr=key_attr,
                key_type=key_type,
                doc=event.doc or "",
                source=schema.file or name,
                validate=validate,
            )
        )
    spec = ServiceSpec(
        service=service.name,
        doc=service.doc or "",
        decls=table.ordered(),
        events=tuple(specs),
        produces=tuple(sorted(service.produces)),
        consumes=tuple(sorted(service.consumes)),
    )
    _check_roots_unique(contracts, spec)
    return spec


def _key(record: Record, key: str | None) -> tuple[str | None, TypeRef | None]:
    if key is None:
        return None, None
    for f in record.fields:
        if f.wire == key:
            optional = record.format == "JSON" and not f.required and not f.has_default
            return f.name, nullable(f.type) if optional else f.type
    return None, None


def _check_roots_unique(contracts: Contracts, spec: ServiceSpec) -> None:
    """Two events cannot share one class: its registry attributes would disagree."""
    seen: dict[str, str] = {}
    for e in spec.events:
        if e.record in seen:
            schema = contracts.events[e.event_name].schema
            raise fail(
                schema,
                "",
                f"events {seen[e.record]!r} and {e.event_name!r} resolve to the same class",
                "give each event its own record",
            )
        seen[e.record] = e.event_name
