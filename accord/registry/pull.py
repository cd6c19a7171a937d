"""``accord registry pull``: subjects from a registry into schema files.

The latest version of each subject goes to ``OUT/<subject>.avsc`` (or ``.json`` for JSON
Schema); with ``all_versions``, every version to ``OUT/<subject>/v<N>.avsc``. Files are
pretty-printed, written to a temporary file and renamed (never half-written). Subject names
come from the registry, so they are made safe as file names: anything but letters, digits,
``.``, ``-`` and ``_`` becomes ``_``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import RegistryError, UsageError
from accord.registry.client import RegistryClient

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class Pulled:
    """One schema written: where it came from and where it went."""

    subject: str
    version: int
    schema_id: int
    schema_type: str
    path: str
    references: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "version": self.version,
            "id": self.schema_id,
            "schemaType": self.schema_type,
            "path": self.path,
            "references": list(self.references),
        }


def file_stem(subject: str) -> str:
    stem = _UNSAFE.sub("_", subject)
    return f"_{stem}" if stem.startswith(".") or not stem else stem


def pull(
    client: RegistryClient,
    out: Path,
    *,
    subjects: Sequence[str] = (),
    prefix: str = "",
    all_versions: bool = False,
    progress: Callable[[int, int, Pulled], None] | None = None,
) -> list[Pulled]:
    """Write the subjects' schemas under ``out``; every subject when ``subjects`` is empty."""
    chosen = sorted(set(subjects)) if subjects else client.subjects(prefix)
    missing = [s for s in chosen if subjects and not client.versions(s)]
    if missing:
        raise UsageError(f"the registry has no subject {missing[0]!r}", hint="see GET /subjects")
    plan: list[tuple[str, int]] = []
    for subject in chosen:
        numbers = client.versions(subject)
        plan.extend((subject, n) for n in (numbers if all_versions else numbers[-1:]))
    written: list[Pulled] = []
    for index, (subject, number) in enumerate(plan, start=1):
        registered = client.version(subject, number)
        pulled = _write(out, subject, registered, all_versions=all_versions)
        written.append(pulled)
        if progress is not None:
            progress(index, len(plan), pulled)
    return written


def _write(out: Path, subject: str, registered: dict[str, Any], *, all_versions: bool) -> Pulled:
    kind = str(registered.get("schemaType") or "AVRO")
    suffix = ".json" if kind == "JSON" else ".avsc"
    version = int(registered["version"])
    stem = file_stem(subject)
    path = out / stem / f"v{version}{suffix}" if all_versions else out / f"{stem}{suffix}"
    try:
        text = json.dumps(json.loads(registered["schema"]), indent=2, ensure_ascii=False) + "\n"
    except (KeyError, ValueError) as exc:
        raise RegistryError(
            f"subject {subject!r} version {version}: not a JSON schema ({exc})"
        ) from None
    _atomic_write(path, text)
    return Pulled(
        subject=subject,
        version=version,
        schema_id=int(registered["id"]),
        schema_type=kind,
        path=str(path),
        references=tuple(registered.get("references") or ()),
    )


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
