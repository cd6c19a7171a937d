"""``accord registry push / pull`` and the ``--against registry`` source, against a live
registry (accord's own; the client speaks only Confluent's API)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from accord.contracts import load
from accord.registry.auth import AuthConfig, Role
from accord.registry.source import RegistrySource
from tests.conftest import ROOT, run_cli
from tests.integration.registry.conftest import LiveRegistry

pytestmark = pytest.mark.integration

PLACED = "order.events-com.acme.order.OrderPlaced"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the reference contracts (accord.yaml + schemas/), free to edit."""
    shutil.copy(ROOT / "accord.yaml", tmp_path / "accord.yaml")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    return tmp_path


def accord(project: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("--manifest", str(project / "accord.yaml"), *args)
    return result.exit_code, result.stdout, result.stderr


def break_order_placed(project: Path) -> None:
    path = project / "schemas/order/OrderPlaced.avsc"
    schema = json.loads(path.read_text())
    schema["fields"].append({"name": "coupon", "type": "string", "doc": "A required coupon."})
    path.write_text(json.dumps(schema, indent=2))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_push_plans_registers_and_then_changes_nothing(
    registry: LiveRegistry, project: Path
) -> None:
    code, plan, _ = accord(project, "registry", "push", "--registry", registry.url, "--dry-run")
    assert code == 0
    assert "would create" in plan
    assert httpx.get(f"{registry.url}/subjects").json() == []  # a dry run changes nothing

    code, _, progress = accord(project, "registry", "push", "--registry", registry.url)
    assert code == 0
    assert "[6/6]" in progress
    subjects = httpx.get(f"{registry.url}/subjects").json()
    assert len(subjects) == 6
    created = httpx.get(f"{registry.url}/config/user.events-com.acme.user.UserCreated").json()
    assert created["compatibilityLevel"] == "FULL_TRANSITIVE"  # the manifest's level

    code, again, _ = accord(project, "registry", "push", "--registry", registry.url, "-f", "json")
    assert code == 0
    assert {s["action"] for s in json.loads(again)["steps"]} == {"unchanged"}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_push_refuses_an_incompatible_schema_and_exits_1(
    registry: LiveRegistry, project: Path
) -> None:
    assert accord(project, "registry", "push", "--registry", registry.url)[0] == 0
    break_order_placed(project)

    dry_code, dry, _ = accord(
        project, "registry", "push", "--registry", registry.url, "--dry-run", "-f", "json"
    )
    code, out, _ = accord(project, "registry", "push", "--registry", registry.url)

    assert dry_code == 1
    steps = {s["subject"]: s for s in json.loads(dry)["steps"]}
    assert steps[PLACED]["action"] == "incompatible"
    assert any("coupon" in m for m in steps[PLACED]["messages"])
    assert code == 1
    assert "coupon" in out
    assert httpx.get(f"{registry.url}/subjects/{PLACED}/versions").json() == [1]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_push_registers_json_references_first(registry: LiveRegistry, tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    money = {"title": "Money", "type": "object", "properties": {"cents": {"type": "integer"}}}
    invoice = {
        "title": "Invoice",
        "type": "object",
        "properties": {"id": {"type": "string"}, "total": {"$ref": "Money.json"}},
    }
    (tmp_path / "schemas/Money.json").write_text(json.dumps(money))
    (tmp_path / "schemas/Invoice.json").write_text(json.dumps(invoice))
    (tmp_path / "accord.yaml").write_text(
        "version: 1\ncompatibility: BACKWARD\nsubject_strategy: topic\nevents:\n"
        "  AInvoiceIssued: {schema: schemas/Invoice.json, topic: invoices, key: id}\n"
        "  MoneyMoved: {schema: schemas/Money.json, topic: money}\n"
    )

    code, out, _ = accord(tmp_path, "registry", "push", "--registry", registry.url, "-f", "json")

    assert code == 0
    assert [s["subject"] for s in json.loads(out)["steps"]] == ["money-value", "invoices-value"]
    latest = httpx.get(f"{registry.url}/subjects/invoices-value/versions/latest").json()
    assert latest["references"] == [{"name": "Money.json", "subject": "money-value", "version": 1}]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_pull_writes_each_subject_to_a_file(
    registry: LiveRegistry, project: Path, tmp_path: Path
) -> None:
    assert accord(project, "registry", "push", "--registry", registry.url)[0] == 0
    out = tmp_path / "pulled"

    code, _, _ = accord(project, "registry", "pull", "--registry", registry.url, "-o", str(out))
    versions_code, _, _ = accord(
        project,
        "registry",
        "pull",
        PLACED,
        "--registry",
        registry.url,
        "-o",
        str(out),
        "--all-versions",
    )
    missing_code, _, missing = accord(
        project, "registry", "pull", "nope", "--registry", registry.url, "-o", str(out)
    )

    assert code == 0
    assert versions_code == 0
    assert sorted(p.name for p in out.glob("*.avsc")) == [
        "order.events-com.acme.order.OrderConfirmed.avsc",
        f"{PLACED}.avsc",
        "order.events-com.acme.order.OrderRejected.avsc",
        "user.events-com.acme.user.UserCreated.avsc",
        "user.events-com.acme.user.UserUpdated.avsc",
    ]
    assert (out / "inventory.events-StockUpdated.json").is_file()
    pulled = json.loads((out / f"{PLACED}.avsc").read_text())
    assert pulled == json.loads((project / "schemas/order/OrderPlaced.avsc").read_text())
    assert (out / PLACED / "v1.avsc").is_file()
    assert missing_code == 2
    assert "no subject 'nope'" in missing


def test_push_takes_credentials_from_the_environment(
    serve_with_auth: Callable[[AuthConfig], str], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    url = serve_with_auth(
        AuthConfig(users={"ci": (hashlib.sha256(b"s3cret").hexdigest(), Role.READ_WRITE)})
    )
    monkeypatch.delenv("ACCORD_REGISTRY_TOKEN", raising=False)

    denied, _, why = accord(project, "registry", "push", "--registry", url)
    monkeypatch.setenv("ACCORD_REGISTRY_USER", "ci")
    monkeypatch.setenv("ACCORD_REGISTRY_PASSWORD", "s3cret")
    allowed, _, _ = accord(project, "registry", "push", "--registry", url)

    assert denied == 2
    assert "401" in why
    assert "ACCORD_REGISTRY_USER" in why
    assert allowed == 0


def test_registry_url_comes_from_the_environment_then_the_manifest(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_REGISTRY_URL", "http://127.0.0.1:9")  # nothing listens there

    code, _, err = accord(project, "registry", "push", "--dry-run")

    assert code == 2
    assert "cannot reach the registry at http://127.0.0.1:9" in err


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_registry_source_snapshot(registry: LiveRegistry, project: Path) -> None:
    assert accord(project, "registry", "push", "--registry", registry.url)[0] == 0
    path = project / "schemas/order/OrderPlaced.avsc"
    schema = json.loads(path.read_text())
    schema["fields"].append({"name": "gift_wrap", "type": ["null", "string"], "default": None})
    path.write_text(json.dumps(schema))
    assert accord(project, "registry", "push", "--registry", registry.url)[0] == 0
    httpx.put(f"{registry.url}/config/{PLACED}", json={"compatibility": "FORWARD"})
    contracts = load(project / "accord.yaml")

    snapshot = RegistrySource(registry.url).snapshot(contracts)

    placed = snapshot.events["OrderPlaced"]
    assert snapshot.description == f"registry {registry.url}"
    assert sorted(snapshot.events) == sorted(contracts.events)
    assert placed.subject == PLACED
    assert [len(v.data["fields"]) for v in placed.versions] == [
        len(schema["fields"]) - 1,
        len(schema["fields"]),
    ]  # oldest first
    assert placed.level is not None
    assert placed.level.value == "FORWARD"  # the registry's level, not the manifest's
    created = snapshot.events["UserCreated"].level
    assert created is not None
    assert created.value == "FULL_TRANSITIVE"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_check_gates_the_working_tree_against_the_registry(
    registry: LiveRegistry, project: Path
) -> None:
    assert accord(project, "registry", "push", "--registry", registry.url)[0] == 0

    clean, _, _ = accord(project, "check", "--against", f"registry:{registry.url}")
    break_order_placed(project)
    broken, out, _ = accord(project, "check", "--against", f"registry:{registry.url}")

    assert clean == 0
    assert broken == 1
    assert "coupon" in out
    assert "OrderPlaced.avsc" in out
