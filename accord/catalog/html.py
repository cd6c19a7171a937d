"""The HTML event catalog: an index of topics, events and services, and a page per event and
per service. Written atomically: the output folder is replaced only when every page rendered."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from accord import __version__
from accord.catalog.fields import named_types, rows
from accord.contracts.model import Contracts

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def _slug(name: str) -> str:
    """A file name that cannot escape the output folder or clash by case tricks."""
    slug = _UNSAFE.sub(lambda m: f"-{ord(m.group(0)):x}-", name).lstrip(".") or "_"
    return slug[:120]


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("accord.catalog", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["slug"] = _slug
    return env


def render(contracts: Contracts) -> dict[str, str]:
    """Relative path -> page text, for every page of the catalog."""
    env = _env()
    events = [contracts.events[n] for n in sorted(contracts.events)]
    services = [contracts.services[n] for n in sorted(contracts.services)]
    common = {
        "version": __version__,
        "manifest": contracts.manifest_file,
        "contracts": contracts,
    }
    pages = {
        "index.html": env.get_template("index.html.j2").render(
            events=events,
            services=services,
            topics=[(t, contracts.events_on(t)) for t in contracts.topics],
            root="",
            **common,
        )
    }
    for event in events:
        pages[f"events/{_slug(event.name)}.html"] = env.get_template("event.html.j2").render(
            event=event,
            fields=rows(event.schema),
            named=named_types(event.schema),
            producers=contracts.producers_of(event.name),
            consumers=contracts.consumers_of(event.name),
            schema_text=json.dumps(event.schema.data, indent=2, ensure_ascii=False),
            root="../",
            **common,
        )
    for service in services:
        pages[f"services/{_slug(service.name)}.html"] = env.get_template("service.html.j2").render(
            service=service, root="../", **common
        )
    pages["style.css"] = env.get_template("style.css.j2").render()
    return pages


def write(contracts: Contracts, out: Path) -> list[Path]:
    """Render every page into a temporary folder, then swap it in place of ``out``."""
    pages = render(contracts)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for rel, text in sorted(pages.items()):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if out.exists():
            old = out.with_name(f".{out.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            staging.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / rel for rel in sorted(pages)]
