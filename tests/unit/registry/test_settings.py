"""Config bodies and modes as clients PUT them."""

from __future__ import annotations

import pytest

from accord.contracts.model import Level
from accord.registry.errors import ErrorCode, RegistryFault
from accord.registry.model import Mode
from accord.registry.settings import config_update, echo, effective, merged, parse_mode


def test_either_confluent_key_sets_the_level() -> None:
    assert config_update({"compatibility": "full"}) == {"compatibilityLevel": "FULL"}
    assert config_update({"compatibilityLevel": "NONE"}) == {"compatibilityLevel": "NONE"}


def test_policy_normalize_and_extras_are_kept() -> None:
    update = config_update(
        {"compatibilityPolicy": "LENIENT", "normalize": True, "compatibilityGroup": "app"}
    )

    assert update == {
        "compatibilityPolicy": "lenient",
        "normalize": True,
        "compatibilityGroup": "app",
    }
    assert echo({"compatibilityLevel": "FULL", "normalize": True}) == {
        "compatibility": "FULL",
        "normalize": True,
    }


@pytest.mark.parametrize(
    "body",
    [
        {"compatibility": "SIDEWAYS"},
        {"compatibility": 3},
        {"normalize": "yes"},
        {"compatibilityPolicy": "loose"},
        {},
    ],
)
def test_bad_config_is_42203(body: dict[str, object]) -> None:
    with pytest.raises(RegistryFault) as caught:
        config_update(body)
    assert caught.value.code is ErrorCode.INVALID_COMPATIBILITY_LEVEL


def test_subject_keys_win_over_global_ones_over_defaults() -> None:
    config = merged(
        {"compatibilityLevel": "FULL", "normalize": True}, {"compatibilityLevel": "NONE"}
    )

    settled = effective(config)

    assert settled.level is Level.NONE
    assert settled.normalize is True
    assert settled.policy == "strict"
    assert effective(merged(None, None)).level is Level.BACKWARD


def test_modes_parse_case_insensitively_and_refuse_others() -> None:
    assert parse_mode("import") is Mode.IMPORT
    with pytest.raises(RegistryFault) as caught:
        parse_mode("sometimes")
    assert caught.value.code is ErrorCode.INVALID_MODE
    assert not Mode.READONLY.writable
