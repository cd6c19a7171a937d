"""Compatibility config and modes: parsing what clients PUT, and the settings in effect.

Config is stored per scope (the global scope and each subject) as Confluent's keys:
``compatibilityLevel``, ``normalize``, accord's ``compatibilityPolicy`` (``strict`` or
``lenient``, for JSON Schema) and Confluent's other ServerConfig keys, kept as given. A
subject's setting wins over the global one, key by key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accord.contracts.model import Level
from accord.registry.errors import ErrorCode, RegistryFault
from accord.registry.model import Mode

DEFAULT_LEVEL = Level.BACKWARD
DEFAULT_MODE = Mode.READWRITE
POLICIES = ("strict", "lenient")
PASSTHROUGH = (
    "compatibilityGroup",
    "defaultMetadata",
    "overrideMetadata",
    "defaultRuleSet",
    "overrideRuleSet",
    "alias",
    "validateFields",
    "validateRules",
)


@dataclass(frozen=True)
class Effective:
    """The settings a subject's registrations are judged by."""

    level: Level
    policy: str
    normalize: bool


def parse_level(value: Any) -> Level:
    if isinstance(value, str):
        try:
            return Level.parse(value)
        except ValueError:
            pass
    valid = ", ".join(level.value for level in Level)
    raise RegistryFault(
        ErrorCode.INVALID_COMPATIBILITY_LEVEL,
        f"Invalid compatibility level {value!r}. Valid values are: {valid}",
    )


def parse_mode(value: Any) -> Mode:
    if isinstance(value, str):
        try:
            return Mode(value.strip().upper())
        except ValueError:
            pass
    valid = ", ".join(m.value for m in Mode)
    raise RegistryFault(
        ErrorCode.INVALID_MODE, f"Invalid mode {value!r}. Valid values are: {valid}"
    )


def config_update(body: Mapping[str, Any]) -> dict[str, Any]:
    """The stored keys a ``PUT /config`` body sets (``compatibility`` or
    ``compatibilityLevel``; ``normalize``; ``compatibilityPolicy``; ServerConfig extras)."""
    update: dict[str, Any] = {}
    level = body.get("compatibility", body.get("compatibilityLevel"))
    if level is not None:
        update["compatibilityLevel"] = parse_level(level).value
    if body.get("normalize") is not None:
        if not isinstance(body["normalize"], bool):
            raise RegistryFault(
                ErrorCode.INVALID_COMPATIBILITY_LEVEL, "normalize must be true or false"
            )
        update["normalize"] = body["normalize"]
    if body.get("compatibilityPolicy") is not None:
        policy = body["compatibilityPolicy"]
        if not isinstance(policy, str) or policy.strip().lower() not in POLICIES:
            raise RegistryFault(
                ErrorCode.INVALID_COMPATIBILITY_LEVEL,
                f"Invalid compatibilityPolicy {policy!r}. Valid values are: strict, lenient",
            )
        update["compatibilityPolicy"] = policy.strip().lower()
    for key in PASSTHROUGH:
        if body.get(key) is not None:
            update[key] = body[key]
    if not update:
        raise RegistryFault(
            ErrorCode.INVALID_COMPATIBILITY_LEVEL,
            'Nothing to set: send {"compatibility": "BACKWARD"} (or normalize,'
            " compatibilityPolicy)",
        )
    return update


def merged(
    global_config: Mapping[str, Any] | None, subject: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The config in effect: defaults, then global keys, then the subject's keys."""
    out: dict[str, Any] = {"compatibilityLevel": DEFAULT_LEVEL.value}
    out.update(global_config or {})
    out.update(subject or {})
    return out


def effective(config: Mapping[str, Any]) -> Effective:
    return Effective(
        level=Level(config.get("compatibilityLevel", DEFAULT_LEVEL.value)),
        policy=str(config.get("compatibilityPolicy", "strict")),
        normalize=bool(config.get("normalize", False)),
    )


def echo(update: Mapping[str, Any]) -> dict[str, Any]:
    """The response to a PUT: what was set, with the level under Confluent's request key."""
    body = dict(update)
    if "compatibilityLevel" in body:
        body["compatibility"] = body.pop("compatibilityLevel")
    return body
