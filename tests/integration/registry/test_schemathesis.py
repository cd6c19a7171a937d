"""Property-based requests generated from the registry's own OpenAPI spec: whatever a client
sends, the answer is never a 5xx (clients retry 5xx for seconds; bad input must be a 4xx)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from accord.registry.store import open_store
from tests.integration.registry.conftest import ServerThread

pytestmark = pytest.mark.integration

EXAMPLES_PER_OPERATION = 20


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db: Path = tmp_path_factory.mktemp("schemathesis") / "registry.db"
    store = open_store(f"sqlite:///{db}")
    try:
        with ServerThread(store) as server:
            yield server.url
    finally:
        store.close()


def test_no_request_gets_a_server_error(live_url: str) -> None:
    api = schemathesis.openapi.from_url(f"{live_url}/openapi.json")
    results = list(api.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results)  # the spec is valid for every operation
    assert len(operations) > 25  # and lists every endpoint

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_server_error(case: Any) -> None:
            response = case.call(base_url=live_url)
            case.validate_response(response, checks=[not_a_server_error])

        no_server_error()
