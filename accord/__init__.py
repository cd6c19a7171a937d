"""accord: event contracts as code.

Lint, generate, gate and serve the schemas that are the only contract between the services
of an event-driven system. The command line (``accord``) is a thin layer over these packages:

- :mod:`accord.contracts`: manifest + schemas -> one immutable model (``accord.contracts.load``)
- :mod:`accord.compat`: compatibility engine (``accord.compat.check`` / ``check_versions``)
- :mod:`accord.lint`: rules over the model
- :mod:`accord.codegen`: typed Python stubs
- :mod:`accord.registry`: a Confluent-compatible schema registry
- :mod:`accord.runtime`: wire format, serde, producer/consumer, outbox/inbox
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
