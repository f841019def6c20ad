"""Targets for the tests: UUID, integer and text primary keys, with and without relations to notes and tags."""

import uuid

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from django_basemodels.fields import CaseSensitiveCharField
from django_notes.fields import TagsRelation


class Invoice(models.Model):
    """UUID primary key, with the documented relations: ``tags = TagsRelation()`` and a GenericRelation to notes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20)

    tags = TagsRelation()
    notes = GenericRelation("django_notes.Note", content_type_field="target_type", object_id_field="target_id")

    class Meta:
        ordering = ("number",)

    def __str__(self) -> str:
        return self.number


class Ticket(models.Model):
    """Integer primary key, with the same relations as Invoice."""

    title = models.CharField(max_length=50)

    tags = TagsRelation(related_query_name="ticket")
    notes = GenericRelation("django_notes.Note", content_type_field="target_type", object_id_field="target_id")

    class Meta:
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title


class Customer(models.Model):
    """UUID primary key and no relation at all: reached through notes_for(), tags_for() and tagged()."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Warehouse(models.Model):
    """A text primary key, compared byte by byte on every database: "north-1" and "NORTH-1" are two warehouses."""

    code = CaseSensitiveCharField(max_length=20, primary_key=True)

    tags = TagsRelation()

    def __str__(self) -> str:
        return self.code


class Project(models.Model):
    """Integer primary key with a plain GenericRelation to ObjectTag: the spelling object_tags__tag__name."""

    name = models.CharField(max_length=50)

    object_tags = GenericRelation(
        "django_notes.ObjectTag", content_type_field="target_type", object_id_field="target_id"
    )

    def __str__(self) -> str:
        return self.name


class RushInvoice(Invoice):
    """Multi-table child of Invoice: its primary key is the parent link to a UUID."""

    deadline = models.DateField(null=True)


class InvoiceProxy(Invoice):
    """A proxy: its notes and tags are the concrete Invoice's."""

    class Meta:
        proxy = True
