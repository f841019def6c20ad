"""``OrgForeignKey``: a foreign key to the swappable org model, migrated like ``AUTH_USER_MODEL``."""

from __future__ import annotations

from typing import Any

from django.db import models

from django_modules import conf


class OrgForeignKey(models.ForeignKey):
    """A ``ForeignKey`` to the model named by ``MODULES_ORG_MODEL``.

    Django treats a foreign key as swappable only when its target declares ``Meta.swappable`` (as
    ``auth.User`` does); the project's org model does not. This field names the setting itself, so
    ``makemigrations`` writes ``to=settings.MODULES_ORG_MODEL`` with
    ``migrations.swappable_dependency(...)`` instead of baking in the current value, and the
    migration holds a plain ``models.ForeignKey``.
    """

    def __init__(self, to: Any = None, on_delete: Any = models.CASCADE, **kwargs: Any) -> None:
        super().__init__(to or conf.org_model_reference(), on_delete, **kwargs)

    @property
    def swappable_setting(self) -> str:  # type: ignore[override]
        return conf.ORG_MODEL_SETTING

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs
