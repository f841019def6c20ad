from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from django_basemodels.models import OrgOwned, UUIDModel
from django_rbac.mixins import RBACUserMixin
from django_rbac.models import UserRole


class User(RBACUserMixin, AbstractUser):
    unique_per_database = {("username",): "a user signs in once, whatever organizations they work for"}


class Organization(UUIDModel):
    """A scope with a UUID primary key."""

    name = models.CharField(max_length=50)
    role_assignments = GenericRelation(UserRole, content_type_field="scope_type", object_id_field="scope_id")


class Province(models.Model):
    """A scope with an integer primary key."""

    name = models.CharField(max_length=50)
    role_assignments = GenericRelation(UserRole, content_type_field="scope_type", object_id_field="scope_id")


class Commune(models.Model):
    """A scope nested in a province (see ``tests.scopes.parents``)."""

    name = models.CharField(max_length=50)
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="communes")


class Medicine(models.Model):
    """A model whose admin is opened with role-given permissions."""

    name = models.CharField(max_length=50)


class Ward(OrgOwned):
    """A scope that belongs to one organization (``OrgOwned``): a role of another organization is refused for it."""

    name = models.CharField(max_length=50)
