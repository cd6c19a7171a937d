"""The auth file and the role rules."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from accord.errors import InputError
from accord.registry.auth import AuthMiddleware, Role, load_auth, needs_write


def sha(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def write(tmp_path: Path, text: str, name: str = "auth.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_yaml_file_with_hashed_and_plain_secrets(tmp_path: Path) -> None:
    config = load_auth(
        write(
            tmp_path,
            "anonymous: read-only\nusers:\n"
            f"  ci: {{password_sha256: {sha('pw')}, role: read-write}}\n"
            "  viewer: {password: look, role: read-only}\n"
            f"tokens:\n  - {{name: bot, sha256: {sha('tok')}, role: read-write}}\n",
        )
    )

    assert config.basic("ci", "pw") is Role.READ_WRITE
    assert config.basic("ci", "wrong") is None
    assert config.basic("ghost", "pw") is None
    assert config.basic("viewer", "look") is Role.READ_ONLY
    assert config.bearer("tok") == ("bot", Role.READ_WRITE)
    assert config.bearer("other") is None
    assert config.anonymous is Role.READ_ONLY


def test_json_is_accepted_too(tmp_path: Path) -> None:
    config = load_auth(
        write(tmp_path, '{"users": {"a": {"password": "b", "role": "read-only"}}}', "auth.json")
    )

    assert config.basic("a", "b") is Role.READ_ONLY
    assert config.anonymous is None


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("users:\n  ci: {password: x, role: admin}\n", "/users/ci/role"),
        ("users:\n  ci: {role: read-only}\n", "/users/ci"),
        ("tokens:\n  - {sha256: short, role: read-only}\n", "/tokens/0"),
        ("groups: {}\n", "/groups"),
        ("anonymous: everyone\n", "/anonymous"),
        ("users: {}\n", "/"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(InputError) as caught:
        load_auth(write(tmp_path, text))

    problem = caught.value.problems[0]
    assert problem.location.pointer == where
    assert problem.location.file is not None
    assert problem.location.file.endswith("auth.yaml")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_auth(write(tmp_path, "users:\n  ci: [unclosed\n"))

    assert caught.value.problems[0].location.line is not None


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_auth(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("method", "path", "write_needed"),
    [
        ("GET", "/subjects/a/versions", False),
        ("POST", "/subjects/a", False),  # lookup
        ("POST", "/compatibility/subjects/a/versions/latest", False),
        ("POST", "/subjects/a/versions", True),
        ("DELETE", "/subjects/a", True),
        ("PUT", "/config", True),
        ("PUT", "/mode/a", True),
    ],
)
def test_which_requests_write(method: str, path: str, write_needed: bool) -> None:
    assert needs_write(method, path) is write_needed
    assert Role.READ_ONLY.allows(method, path) is not write_needed
    assert Role.READ_WRITE.allows(method, path)


def test_malformed_authorization_headers_identify_nobody(tmp_path: Path) -> None:
    config = load_auth(write(tmp_path, "users:\n  a: {password: b, role: read-write}\n"))
    guard = AuthMiddleware(app=None, config=config)  # type: ignore[arg-type]

    assert guard.identify("Basic !!!")[1] is None
    assert guard.identify("Digest abc")[1] is None
    assert guard.identify("Basic YTpi")[1] is Role.READ_WRITE  # a:b
