"""``EncounterForeignKey``: a foreign key to the swappable encounter model, migrated like ``AUTH_USER_MODEL``."""

from __future__ import annotations

from typing import Any

from django.db import models

from django_catalog import conf


class EncounterForeignKey(models.ForeignKey):
    """A ``ForeignKey`` to the model named by ``CATALOG_ENCOUNTER_MODEL``.

    Django makes a foreign key "swappable" only when the target model declares
    ``Meta.swappable`` (as ``auth.User`` does); the encounter model belongs to the project and
    does not. This field names the setting itself, so ``makemigrations`` writes
    ``to=settings.CATALOG_ENCOUNTER_MODEL`` with ``migrations.swappable_dependency(...)`` instead
    of baking the current value in, and the migration uses a plain ``models.ForeignKey``.
    """

    def __init__(self, to: Any = None, on_delete: Any = models.PROTECT, **kwargs: Any) -> None:
        super().__init__(to or conf.encounter_model_reference(), on_delete, **kwargs)

    @property
    def swappable_setting(self) -> str:  # type: ignore[override]
        return conf.ENCOUNTER_MODEL_SETTING

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs
