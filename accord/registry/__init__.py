"""accord's schema registry: Confluent Schema Registry's REST API over SQLite or PostgreSQL.

- :mod:`accord.registry.app`: ``create_app(store_url, auth=...)``, the ASGI app;
  routes in :mod:`accord.registry.routes` (one module per URL prefix).
- :mod:`accord.registry.service`: the registry's rules (no HTTP, no SQL).
- :mod:`accord.registry.store`: storage behind one interface (``open_store(url)``).
- :mod:`accord.registry.client`, :mod:`accord.registry.source`: talking to any
  Confluent-compatible registry (``accord registry push/pull``, ``check --against registry``).
"""
