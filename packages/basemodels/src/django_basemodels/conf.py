"""Every setting django-basemodels reads, with its default."""

from django.conf import settings

DEFAULT_UUID_FACTORY = "uuid.uuid4"


def uuid_factory_path() -> str:
    """Dotted path of the callable that makes new primary keys (``BASEMODELS_UUID_FACTORY``)."""
    return getattr(settings, "BASEMODELS_UUID_FACTORY", DEFAULT_UUID_FACTORY)
