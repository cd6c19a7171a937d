"""Where the rules about history find the previous versions (``accord lint --against``).

``--against`` takes the specs of ``accord check`` (``git:REF``, a folder, ``registry[:URL]``),
parsed by :func:`accord.contracts.sources.parse_against`. Without it, ``accord lint`` uses the
git history of the schema files when the manifest is inside a git work tree, and otherwise
skips the history part of those rules silently: lint must work on a fresh copy too.
"""

from __future__ import annotations

from accord.contracts import Contracts
from accord.contracts.sources import Snapshot, parse_against
from accord.errors import AccordError

#: The CLI's default: git history if there is one, else nothing.
AUTO = "auto"


def previous_versions(spec: str | Snapshot | None, contracts: Contracts | None) -> Snapshot | None:
    """The snapshot ``spec`` names (``AUTO``: the git history if any), or None for none.

    Asks the source for every version of each schema (``history=True``): the rules compare
    with an event's *first* version.
    """
    if spec is None or isinstance(spec, Snapshot):
        return spec
    if contracts is None:
        return None  # standalone schema files belong to no event: nothing to compare with
    auto = spec == AUTO
    try:
        source = parse_against(None if auto else spec, contracts, history=True, cwd=contracts.root)
        return source.snapshot(contracts)
    except AccordError:
        if auto:
            return None  # not a git work tree, no commit yet...: the history part is skipped
        raise
