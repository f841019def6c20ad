"""Every setting django-basemodels reads, with its default."""

from typing import Any

from django.conf import settings

DEFAULT_UUID_FACTORY = "uuid.uuid4"
UUID7_FACTORY = "django_basemodels.uuids.uuid7"


def uuid_factory_path() -> Any:
    """Dotted path of the callable that makes new primary keys (``BASEMODELS_UUID_FACTORY``).

    Returned as configured; ``checks.check_uuid_factory`` reports a value that is not an
    importable callable.
    """
    return getattr(settings, "BASEMODELS_UUID_FACTORY", DEFAULT_UUID_FACTORY)
