"""Fixtures for the runtime tests: a broker (the accord pytest plugin), a SQLite database per
test, the test codec, and helpers that wait for conditions with a deadline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.devstack.pytest_plugin import BrokerEndpoint
from accord.runtime.db import Database, SqliteDatabase
from accord.runtime.settings import KafkaSettings
from tests.integration.runtime.support import JsonTestCodec

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(accord_broker: BrokerEndpoint) -> KafkaSettings:
    return accord_broker.settings


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = SqliteDatabase(tmp_path / "service.db")
    yield database
    database.close()


@pytest.fixture
def codec() -> JsonTestCodec:
    return JsonTestCodec()
