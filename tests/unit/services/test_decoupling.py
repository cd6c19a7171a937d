"""The reference services never call each other: no service imports another's code, none
holds an HTTP client (so none can call a sibling), and each one's generated contracts package
holds exactly the events the manifest lets it produce or consume."""

from __future__ import annotations

import ast
import importlib
import shutil
from pathlib import Path

import pytest

from accord.contracts import load
from tests.conftest import ROOT

SERVICES = ("user", "order", "inventory")
# Modules that open connections to other processes over HTTP (or raw sockets). A service
# reaches the world only through its database, Kafka (accord.runtime) and its own HTTP server.
CLIENT_MODULES = (
    "httpx",
    "requests",
    "urllib.request",
    "urllib3",
    "http.client",
    "aiohttp",
    "socket",
    "grpc",
    "xmlrpc.client",
)


def violations(service_dir: Path, name: str) -> list[str]:
    """Every way the code in ``service_dir`` could reach a sibling service directly."""
    found: list[str] = []
    for path in sorted(service_dir.rglob("*.py")):
        rel = path.relative_to(service_dir.parent.parent)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level > 0:
                    depth = len(path.relative_to(service_dir).parts) - 1
                    if node.level > depth + 1:  # climbs out of this service's package
                        found.append(f"{rel}:{node.lineno}: relative import leaves the service")
                    continue
                modules = [node.module or ""]
            for module in modules:
                parts = module.split(".")
                if parts[0] == "services" and len(parts) > 1 and parts[1] != name:
                    found.append(f"{rel}:{node.lineno}: imports {module} (another service)")
                if any(module == m or module.startswith(m + ".") for m in CLIENT_MODULES):
                    found.append(f"{rel}:{node.lineno}: imports {module} (a network client)")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if "://" in text and text.split("://")[0] in ("http", "https", "ws", "wss"):
                    found.append(f"{rel}:{node.lineno}: URL literal {text!r}")
    return found


@pytest.mark.parametrize("name", SERVICES)
def test_service_reaches_no_sibling(name: str) -> None:
    assert violations(ROOT / "services" / name, name) == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("from services.user import db as user_db", "another service"),
        ("import services.inventory.stock", "another service"),
        ("import httpx", "a network client"),
        ("from urllib.request import urlopen", "a network client"),
        ("USERS = 'http://127.0.0.1:8001/users'", "URL literal"),
        ("from ...user import db", "relative import leaves the service"),
    ],
)
def test_a_direct_call_is_caught(tmp_path: Path, line: str, reason: str) -> None:
    copy = tmp_path / "services" / "order"
    shutil.copytree(ROOT / "services" / "order", copy)
    handlers = copy / "handlers.py"
    handlers.write_text(handlers.read_text() + f"\n{line}\n")
    found = violations(copy, "order")
    assert len(found) == 1
    assert reason in found[0]
    assert found[0].startswith("services/order/handlers.py:")


@pytest.mark.parametrize("name", SERVICES)
def test_generated_package_holds_exactly_the_allowed_events(name: str) -> None:
    contracts = load(ROOT)
    service = contracts.services[name]
    package = importlib.import_module(f"services.{name}.contracts")
    assert set(package.EVENTS) == set(service.produces) | set(service.consumes)
    for event_name, cls in package.EVENTS.items():
        assert contracts.events[event_name].subject == cls.SUBJECT
