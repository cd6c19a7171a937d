"""pytest plugin shipped with accord: fixtures for a real broker, registry and topics.

Registered through the ``pytest11`` entry point, so a service's own test suite gets the
fixtures by installing accord.
"""

from __future__ import annotations
