"""Gather ``bench/results/*.md`` into ``BENCHMARKS.md`` under a summary of every goal.

The summary rows are written here (ratios from the results files of the same runs); run
after the benchmarks: ``make bench``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ORDER = ["compat", "lint", "serde", "registry", "runtime", "e2e"]

HEADER = """# Benchmarks

Every goal is a ratio against an anchor measured in the same run, on the same machine (an
x86_64 machine with 2 cores, shared while these ran with other work, so rates move between
runs; each bench takes the best of interleaved repeats). Each section below is the results
file its bench wrote (`bench/<name>.py` -> `bench/results/<name>.md`); `make bench` runs them
all and rebuilds this page.

| bench | goal | measured | met |
| --- | --- | --- | --- |
"""


def main() -> None:
    summary = (ROOT / "bench" / "summary.md").read_text(encoding="utf-8").strip()
    parts = [HEADER + summary, ""]
    for name in ORDER:
        path = RESULTS / f"{name}.md"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8").strip()
        # Demote the results file's headings one level under this page's title.
        lines = [("#" + line) if line.startswith("#") else line for line in text.splitlines()]
        parts.append("\n".join(lines))
        parts.append("")
    (ROOT / "BENCHMARKS.md").write_text("\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
