"""Database guarantees declared on the model, in ``Meta.guarantees``, for every supported vendor.

    from django_basemodels.guarantees import AppendOnly

    class Decision(models.Model):
        ...
        class Meta:
            guarantees = [AppendOnly()]

``makemigrations`` writes ``AddGuarantee`` operations from the declarations; ``migrate`` installs
triggers that refuse the write paths the guarantee forbids, raw SQL and other connections included;
``manage.py check --database default`` compares declared with installed; ``manage.py guarantees``
lists and reinstalls them. See ``docs/guarantees.md`` of the repository.
"""

from django.db.migrations import state as _migration_state
from django.db.models import options as _options

from django_basemodels.guarantees.declarations import (
    AppendOnly,
    Changed,
    FrozenColumns,
    Guarantee,
    GuaranteeDeclarationError,
    ImmutableWhen,
    Refuse,
    RowTrigger,
    Undeletable,
    guarantees_of,
)
from django_basemodels.guarantees.dialects import mysql_refusal
from django_basemodels.guarantees.installation import (
    GuaranteeStatus,
    UnsupportedDatabaseError,
    guarantee_problems,
    guarantee_statuses,
    guarded_models,
    install_guarantees,
)
from django_basemodels.guarantees.operations import AddGuarantee, DropTriggers, ReinstallGuarantees, RemoveGuarantee

# ``Meta.guarantees`` becomes a model option Django accepts and keeps in migration state, as
# django-pgtrigger does for ``Meta.triggers``.
# (The stubs declare DEFAULT_NAMES of options, not of the migration state.)
if "guarantees" not in _options.DEFAULT_NAMES:
    _options.DEFAULT_NAMES = (*_options.DEFAULT_NAMES, "guarantees")
if "guarantees" not in _migration_state.DEFAULT_NAMES:  # type: ignore[attr-defined]
    _migration_state.DEFAULT_NAMES = (*_migration_state.DEFAULT_NAMES, "guarantees")  # type: ignore[attr-defined]

__all__ = [
    "AddGuarantee",
    "AppendOnly",
    "Changed",
    "DropTriggers",
    "FrozenColumns",
    "Guarantee",
    "GuaranteeDeclarationError",
    "GuaranteeStatus",
    "ImmutableWhen",
    "Refuse",
    "ReinstallGuarantees",
    "RemoveGuarantee",
    "RowTrigger",
    "Undeletable",
    "UnsupportedDatabaseError",
    "guarantee_problems",
    "guarantee_statuses",
    "guarantees_of",
    "guarded_models",
    "install_guarantees",
    "mysql_refusal",
]
