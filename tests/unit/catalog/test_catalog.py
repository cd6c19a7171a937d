"""`accord export asyncapi` and `accord docs`: valid, deterministic, safe with hostile names."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from accord.catalog import asyncapi, html
from accord.contracts import load
from tests.conftest import ROOT, run_cli

ASYNCAPI_SCHEMA = json.loads((ROOT / "tests" / "data" / "asyncapi-3.0.0.json").read_text())


def _hostile(tmp_path: Path) -> Path:
    schema = {
        "type": "record",
        "name": "Evil",
        "doc": "</td><script>alert(1)</script>",
        "fields": [{"name": "x", "type": "string", "doc": '<b>bold</b> & "quoted"'}],
    }
    (tmp_path / "evil.avsc").write_text(json.dumps(schema))
    (tmp_path / "accord.yaml").write_text(
        "version: 1\n"
        "events:\n"
        "  '../../escape<img>':\n"
        "    schema: evil.avsc\n"
        "    topic: 'a/b'\n"
        "    doc: '<script>x</script>'\n"
        "services:\n"
        "  '../svc': {produces: ['../../escape<img>']}\n"
    )
    return tmp_path


def test_asyncapi_of_reference_contracts_is_valid_asyncapi_3() -> None:
    doc = asyncapi.build(load(ROOT))
    jsonschema.Draft7Validator(ASYNCAPI_SCHEMA).validate(doc)
    assert set(doc["channels"]) == {"inventory.events", "order.events", "user.events"}
    placed = doc["components"]["messages"]["OrderPlaced"]
    assert placed["bindings"]["kafka"]["schemaIdPayloadEncoding"] == "confluent"
    assert placed["payload"]["schemaFormat"].startswith("application/vnd.apache.avro")
    stock = doc["components"]["messages"]["StockUpdated"]
    assert stock["payload"]["schemaFormat"] == "application/schema+json;version=2020-12"
    assert doc["operations"]["inventory.receive.OrderPlaced"]["action"] == "receive"


def test_asyncapi_cli_writes_file_and_stdout(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "asyncapi.json"
    result = run_cli("export", "asyncapi", "-o", str(out), cwd=ROOT)
    assert result.exit_code == 0, result.stderr
    from_stdout = run_cli("export", "asyncapi", cwd=ROOT).stdout
    assert json.loads(out.read_text()) == json.loads(from_stdout)


def test_asyncapi_with_hostile_names_stays_valid(tmp_path: Path) -> None:
    doc = asyncapi.build(load(_hostile(tmp_path)))
    jsonschema.Draft7Validator(ASYNCAPI_SCHEMA).validate(doc)
    ref = doc["channels"]["a/b"]["messages"]["../../escape<img>"]["$ref"]
    assert ref == "#/components/messages/..~1..~1escape<img>"


def test_catalog_is_deterministic_and_complete(tmp_path: Path) -> None:
    contracts = load(ROOT)
    first = html.render(contracts)
    assert first == html.render(contracts)
    assert {"index.html", "style.css", "events/OrderPlaced.html", "services/order.html"} <= set(
        first
    )
    page = first["events/OrderPlaced.html"]
    assert "lines[].unit_price" in page
    assert "decimal(12,2)" in page


def test_catalog_escapes_html_and_paths(tmp_path: Path) -> None:
    root = _hostile(tmp_path)
    out = tmp_path / "site"
    result = run_cli("docs", "--out", str(out), cwd=root)
    assert result.exit_code == 0, result.stderr
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert all(not f.startswith("..") and "/../" not in f for f in files)
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
    text = "".join((out / f).read_text() for f in files)
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


def test_docs_replaces_output_atomically(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    result = run_cli("docs", "-o", str(out), cwd=ROOT)
    assert result.exit_code == 0, result.stderr
    assert not (out / "stale.html").exists()
    assert (out / "index.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_docs_on_broken_manifest_exits_2(tmp_path: Path) -> None:
    (tmp_path / "accord.yaml").write_text("version: 1\nevents: {}\n")
    result = run_cli("docs", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 2
    assert "accord.yaml:2:" in result.stderr
    assert not (tmp_path / "out").exists()
