"""The gate over in-memory snapshots: the source's level wins, the same change against
several versions is one finding, subject changes warn, removed events without consumers are
noted, new events pass."""

from __future__ import annotations

import json
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import pytest

from accord.compat import gate
from accord.contracts import Contracts, Level, Schema, SchemaFormat, load, schema_from_data
from accord.contracts.sources import PreviousEvent, Snapshot
from accord.diagnostics import Severity
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return load(ROOT / "accord.yaml")


def _schema(data: Any, file: str) -> Schema:
    schema, problems = schema_from_data(data, SchemaFormat.AVRO, file=file)
    assert schema is not None, problems
    return schema


def _previous(contracts: Contracts, name: str, versions: list[Any], **extra: Any) -> PreviousEvent:
    event = contracts.events[name]
    schemas = tuple(_schema(v, f"old/{name}@{i}.avsc") for i, v in enumerate(versions))
    return PreviousEvent(name=name, subject=event.subject, versions=schemas, **extra)


def _snapshot(*events: PreviousEvent) -> Snapshot:
    return Snapshot("test", MappingProxyType({e.name: e for e in events}))


def test_new_events_pass_and_unchanged_events_are_compatible(contracts: Contracts) -> None:
    current = contracts.events["UserCreated"].schema.data
    result = gate.run(contracts, _snapshot(_previous(contracts, "UserCreated", [current])))
    assert not result.diagnostics
    statuses = {v.name: v.status for v in result.verdicts}
    assert statuses["UserCreated"] == "compatible"
    assert statuses["OrderPlaced"] == "new"


def test_the_source_level_wins_over_the_manifest(contracts: Contracts) -> None:
    current = json.loads(json.dumps(contracts.events["OrderPlaced"].schema.data))
    older = json.loads(json.dumps(current))
    older["fields"] = [f for f in older["fields"] if f["name"] != "currency"]
    assert len(older["fields"]) < len(current["fields"])  # the working tree added `currency`
    forward_only = _previous(contracts, "OrderPlaced", [older], level=Level.FORWARD)
    assert not gate.run(contracts, _snapshot(forward_only)).failed
    backward = _previous(contracts, "OrderPlaced", [older], level=Level.BACKWARD)
    assert gate.run(contracts, _snapshot(backward)).failed


def test_one_finding_per_change_naming_every_version_it_breaks(contracts: Contracts) -> None:
    current = contracts.events["UserCreated"].schema.data
    older = {**current, "fields": [f for f in current["fields"] if f["name"] != "email"]}
    previous = _previous(contracts, "UserCreated", [older, older, older])
    result = gate.run(contracts, _snapshot(previous))
    (finding,) = result.diagnostics
    assert finding.rule_id == "FIELD_ADDED_WITHOUT_DEFAULT"
    assert finding.data["versions"] == ["v3 (test)", "v2 (test)", "v1 (test)"]
    assert finding.message.endswith("(also against v2 (test), v1 (test))")
    assert finding.location.file == contracts.events["UserCreated"].schema.file
    assert finding.related is not None
    assert finding.related.file == "old/UserCreated@2.avsc"


def test_a_changed_subject_warns(contracts: Contracts) -> None:
    current = contracts.events["UserCreated"].schema.data
    previous = replace(
        _previous(contracts, "UserCreated", [current]), subject="users-com.acme.user.UserCreated"
    )
    result = gate.run(contracts, _snapshot(previous))
    (finding,) = result.diagnostics
    assert finding.rule_id == "EVENT_SUBJECT_CHANGED"
    assert finding.severity is Severity.WARNING
    assert not result.failed


def test_a_removed_event_without_consumers_is_noted(contracts: Contracts) -> None:
    gone = PreviousEvent(
        name="UserDeleted",
        subject="user.events-com.acme.user.UserDeleted",
        versions=(_schema({"type": "record", "name": "UserDeleted", "fields": []}, "x.avsc"),),
    )
    result = gate.run(contracts, _snapshot(gone))
    (finding,) = result.diagnostics
    assert (finding.rule_id, finding.severity) == ("EVENT_REMOVED", Severity.INFO)
    consumed = replace(gone, consumers=("order",))
    assert gate.run(contracts, _snapshot(consumed)).failed


def test_the_report_carries_the_docs_of_the_kinds_found(contracts: Contracts) -> None:
    current = contracts.events["UserCreated"].schema.data
    older = {**current, "fields": [f for f in current["fields"] if f["name"] != "email"]}
    report = gate.run(contracts, _snapshot(_previous(contracts, "UserCreated", [older]))).report()
    assert set(report.rules) == {"FIELD_ADDED_WITHOUT_DEFAULT"}
    assert "Example" in report.rules["FIELD_ADDED_WITHOUT_DEFAULT"].help_markdown
    assert len(report.files) == 7  # the manifest and six schema files
