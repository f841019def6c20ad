"""What a scan of one source file finds: references to other modules or Django apps, with their kind."""

from __future__ import annotations

from typing import NamedTuple

IMPORT = "import"
TYPE_CHECKING_IMPORT = "type-checking-import"
DYNAMIC_IMPORT = "dynamic-import"
MODEL_FIELD = "model-field"
GET_MODEL = "get-model"
SWAPPABLE_DEFAULT = "swappable-default"

IMPORT_KINDS = frozenset({IMPORT, TYPE_CHECKING_IMPORT, DYNAMIC_IMPORT})
"""Kinds whose ``module`` is a module name (absolute, or relative when ``level`` > 0)."""

MODEL_REFERENCE_KINDS = frozenset({MODEL_FIELD, GET_MODEL, SWAPPABLE_DEFAULT})
"""Kinds whose ``module`` is a Django app label and whose ``names`` hold the model name."""

ALL_KINDS = IMPORT_KINDS | MODEL_REFERENCE_KINDS


class Reference(NamedTuple):
    """One reference found in a source file, before it is resolved to a package.

    ``import a.b`` gives ``module="a.b"``; ``from ..x import y, z`` gives ``module="x"``, ``level=2``,
    ``names=("y", "z")``; ``ForeignKey("ledger.Account")`` gives ``module="ledger"`` (the app label)
    and ``names=("Account",)``. ``line`` is the 1-based line of the statement (imports) or of the
    string literal (everything found through a call).
    """

    line: int
    kind: str
    module: str
    level: int = 0
    names: tuple[str, ...] = ()
