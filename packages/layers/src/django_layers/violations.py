"""A broken rule, where it is written, and the stable text that names it in a baseline."""

from __future__ import annotations

from typing import NamedTuple

LAYER = "layer"
UNDECLARED = "undeclared"
INDEPENDENCE = "independence"
CYCLE = "cycle"
RULES = (LAYER, UNDECLARED, INDEPENDENCE, CYCLE)


class Violation(NamedTuple):
    """One dependency that breaks one rule (for ``cycle``: one dependency cycle, located at its first edge).

    ``cycle`` holds, for a cycle, the packages of the cycle shown (first repeated last) and ``members``
    every package of the group that depends on each other.
    """

    path: str
    line: int
    rule: str
    importer: str
    imported: str
    kind: str
    target: str
    message: str
    cycle: tuple[str, ...] = ()
    members: tuple[str, ...] = ()

    def baseline_entry(self) -> str:
        """One line of a baseline file: tab-separated, without a line number so that edits elsewhere
        in the file do not turn a known violation into a new one."""
        if self.rule == CYCLE:
            return "\t".join((CYCLE, "-", ", ".join(self.members), "-", "-"))
        return "\t".join((self.rule, self.path, f"{self.importer} -> {self.imported}", self.kind, self.target))
