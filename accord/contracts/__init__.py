"""The contracts model: ``accord.yaml`` + schema files -> one immutable :class:`Contracts`.

>>> contracts = load("accord.yaml")            # doctest: +SKIP
>>> contracts.events["UserCreated"].subject    # doctest: +SKIP
'user.events-com.acme.user.UserCreated'
"""

from __future__ import annotations

from accord.contracts.loader import (
    find_manifest,
    load,
    parse_json,
    read_schema,
    schema_from_data,
    try_load,
    try_read_schema,
)
from accord.contracts.model import (
    CodegenTarget,
    Contracts,
    Event,
    Level,
    Schema,
    SchemaFormat,
    Service,
    SubjectStrategy,
)

__all__ = [
    "CodegenTarget",
    "Contracts",
    "Event",
    "Level",
    "Schema",
    "SchemaFormat",
    "Service",
    "SubjectStrategy",
    "find_manifest",
    "load",
    "parse_json",
    "read_schema",
    "schema_from_data",
    "try_load",
    "try_read_schema",
]
