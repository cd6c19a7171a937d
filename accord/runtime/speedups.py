"""accord's compiled event codec (``_speedups.c``), or None where it was not built.

``pip install`` compiles it when a C compiler is at hand (see ``hatch_build.py``); without
one, everything works the same in pure Python, only slower. ``ACCORD_NO_SPEEDUPS=1`` in the
environment leaves it unused even when built (to compare, or to rule it out).
"""

from __future__ import annotations

import os
from types import ModuleType

_speedups: ModuleType | None
if os.environ.get("ACCORD_NO_SPEEDUPS", "") not in ("", "0"):
    _speedups = None
else:
    try:
        from accord.runtime import _speedups
    except ImportError:
        _speedups = None

AVAILABLE = _speedups is not None
NOT_BUILT = (
    "note: accord's compiled codec is not in use (no C compiler at install time, or"
    " ACCORD_NO_SPEEDUPS set): everything works, the Avro codec is slower"
)
