"""Views of the whole manifest for people and tools: an AsyncAPI 3.0 document and an HTML
event catalog. Both are pure functions of :class:`~accord.contracts.Contracts` and
deterministic (same contracts, same bytes)."""
