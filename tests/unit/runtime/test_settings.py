"""Where the runtime connects: arguments, environment, the dev stack, defaults."""

from __future__ import annotations

from pathlib import Path

from accord.devstack.state import PartState, StackState, write_state
from accord.runtime.settings import DEFAULT_BOOTSTRAP, DEFAULT_REGISTRY, KafkaSettings


def dev_stack(tmp_path: Path) -> Path:
    state_dir = tmp_path / "dev"
    write_state(
        state_dir,
        StackState(
            started_at="2026-01-01T00:00:00+00:00",
            broker=PartState("broker", "127.0.0.1:1111", 1, "b.log"),
            registry=PartState("registry", "http://127.0.0.1:2222", 2, "r.log"),
        ),
    )
    return state_dir


def test_defaults_without_anything(tmp_path: Path) -> None:
    s = KafkaSettings.resolve(environ={}, state_dir=tmp_path / "none")
    assert (s.bootstrap_servers, s.registry_url) == (DEFAULT_BOOTSTRAP, DEFAULT_REGISTRY)


def test_dev_stack_then_environment_then_arguments(tmp_path: Path) -> None:
    state_dir = dev_stack(tmp_path)
    dev = KafkaSettings.resolve(environ={}, state_dir=state_dir)
    assert (dev.bootstrap_servers, dev.registry_url) == ("127.0.0.1:1111", "http://127.0.0.1:2222")
    env = {"ACCORD_BOOTSTRAP_SERVERS": "kafka:9092", "ACCORD_REGISTRY_URL": "http://sr:8081"}
    from_env = KafkaSettings.resolve(environ=env, state_dir=state_dir)
    assert (from_env.bootstrap_servers, from_env.registry_url) == ("kafka:9092", "http://sr:8081")
    explicit = KafkaSettings.resolve("b:1", "http://r:2", environ=env, state_dir=state_dir)
    assert (explicit.bootstrap_servers, explicit.registry_url) == ("b:1", "http://r:2")


def test_a_corrupt_dev_state_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json")
    assert KafkaSettings.resolve(environ={}, state_dir=tmp_path).bootstrap_servers == (
        DEFAULT_BOOTSTRAP
    )


def test_client_settings_from_the_environment_and_layers(tmp_path: Path) -> None:
    env = {
        "ACCORD_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "ACCORD_KAFKA_SASL_MECHANISM": "PLAIN",
        "ACCORD_KAFKA_": "ignored",
    }
    s = KafkaSettings.resolve("b:1", environ=env, state_dir=tmp_path)
    conf = s.config({"acks": "1"}, None, {"acks": "all"})
    assert conf["bootstrap.servers"] == "b:1"
    assert conf["security.protocol"] == "SASL_SSL"
    assert conf["sasl.mechanism"] == "PLAIN"
    assert conf["acks"] == "all"  # later layers win
    assert "" not in conf
