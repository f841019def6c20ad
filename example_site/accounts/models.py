"""The site's user: Django's ``AbstractUser`` with the role methods of django-rbac.

Set as ``AUTH_USER_MODEL`` before the first ``migrate``: swapping the user model later needs a
hand-written migration, so a project starts with its own user model even when it adds nothing.
"""

from django.contrib.auth.models import AbstractUser

from django_rbac.mixins import RBACUserMixin


# The plugin cannot see reverse relations declared against AUTH_USER_MODEL by the packages.
class User(RBACUserMixin, AbstractUser):  # type: ignore[django-manager-missing]
    """A staff member who signs in; ``hierarchy_level``, ``has_module_permission()`` come from the mixin."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
