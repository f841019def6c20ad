"""Contexts the tests time work on: a UUID-pk model and an integer-pk model, both with a reverse relation, and a
text-pk model."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from django_basemodels.fields import CaseSensitiveCharField
from django_basemodels.models import BaseModel
from django_worklog.models import WorkSession


class Task(BaseModel):
    """A UUID-pk context (soft-deletable, like most models of the monorepo)."""

    title = models.CharField(max_length=50)
    work_sessions = GenericRelation(
        WorkSession, content_type_field="context_type", object_id_field="context_id", related_query_name="task"
    )


class Ticket(models.Model):
    """An integer-pk context."""

    title = models.CharField(max_length=50)
    work_sessions = GenericRelation(
        WorkSession, content_type_field="context_type", object_id_field="context_id", related_query_name="ticket"
    )


class Project(models.Model):
    """Another integer-pk context, without a reverse relation: its pks collide with Ticket's."""

    name = models.CharField(max_length=50)


class Room(models.Model):
    """A text-pk context whose codes differ only in case (``"ops"``, ``"OPS"``) are two rooms, on every database."""

    code = CaseSensitiveCharField(primary_key=True, max_length=20)
