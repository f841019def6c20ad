"""System checks for django-basemodels settings."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.utils.module_loading import import_string

from django_basemodels import conf


@checks.register()
def check_uuid_factory(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    path = conf.uuid_factory_path()
    try:
        factory = import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"BASEMODELS_UUID_FACTORY = {path!r} cannot be imported: {exc}",
                hint="Use a dotted path such as 'uuid.uuid4' or 'django_basemodels.uuids.uuid7'.",
                id="django_basemodels.E001",
            )
        ]
    if not callable(factory):
        return [checks.Error(f"BASEMODELS_UUID_FACTORY = {path!r} is not callable.", id="django_basemodels.E002")]
    return []
