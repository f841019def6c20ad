"""Models of the tests: UUID and integer generic-key targets, soft-deletable parents and children, and a
foreign key to the model a setting names."""

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models

from django_basemodels import AliveManager, OrgQuerySetMixin, SoftDeleteQuerySet, unique_per_org
from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import CaseSensitiveCharField, ObjectIdField, RecordedAtField, SwappableForeignKey
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import (
    AppendOnly,
    FrozenColumns,
    ImmutableWhen,
    RowTrigger,
    Undeletable,
    mysql_refusal,
)
from django_basemodels.models import (
    BaseModel,
    OrgOwned,
    SoftDeleteModel,
    TimeStampedModel,
    UUIDModel,
    unique_among_live,
)


class Tag(models.Model):
    """A generic key ``target`` declared as the README recipe says."""

    name = models.CharField(max_length=50)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = ObjectIdField()
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    """A generic key ``subject`` that may point at nothing."""

    text = models.CharField(max_length=50)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    subject_id = ObjectIdField(blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")


class Invoice(BaseModel):
    """A UUID-keyed, soft-deletable generic-key target whose number is unique among live rows."""

    number = models.CharField(max_length=20)
    tags = GenericRelation(Tag, content_type_field="target_type", object_id_field="target_id")

    class Meta:
        app_label = "testapp"
        constraints = [unique_among_live("number", name="testapp_invoice_live_number")]

    def __str__(self) -> str:
        return f"Invoice {self.number}"


class Ticket(models.Model):
    """An integer-keyed generic-key target."""

    title = models.CharField(max_length=20)
    tags = GenericRelation(Tag, content_type_field="target_type", object_id_field="target_id")

    def __str__(self) -> str:
        return self.title


class InvoiceLine(BaseModel):
    """A soft-deletable child of a soft-deletable parent."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    amount = models.IntegerField(default=0)


class MemoQuerySet(SoftDeleteQuerySet):
    def pinned(self) -> "MemoQuerySet":
        return self.filter(pinned=True)


class Memo(SoftDeleteModel):
    """Soft delete alone (integer pk, no timestamps), with a custom manager as the README shows."""

    title = models.CharField(max_length=20)
    pinned = models.BooleanField(default=False)

    objects = AliveManager.from_queryset(MemoQuerySet)()

    class Meta:
        default_manager_name = "objects"


class Event(UUIDModel, TimeStampedModel):
    """UUID pk and timestamps, without soft delete."""

    name = models.CharField(max_length=20)


class Assignment(models.Model):
    """A task given to a team: the team model is whatever ``TESTAPP_TEAM_MODEL`` names (``auth.Group`` here)."""

    task = models.CharField(max_length=50)
    team = SwappableForeignKey(setting="TESTAPP_TEAM_MODEL", on_delete=models.CASCADE, related_name="assignments")
    backup_team = SwappableForeignKey(
        setting="TESTAPP_TEAM_MODEL", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.task


class Receipt(models.Model):
    """Append-only rows, declared in ``Meta.guarantees``."""

    number = models.CharField(max_length=20)

    class Meta:
        # An apostrophe and a percent sign: the message must reach every database as written.
        guarantees = [AppendOnly(message="testapp_receipt is append-only: a receipt's 100% final")]

    def __str__(self) -> str:
        return self.number


class Shift(models.Model):
    """Rows guarded by every kind of declaration: final once closed, frozen columns, never deleted,
    a trigger of its own, and one open shift per worker (a partial unique constraint)."""

    worker = models.CharField(max_length=20)
    code = models.CharField(max_length=20, unique=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=50, blank=True, default="")

    class Meta:
        constraints = [
            PartialUniqueConstraint(
                fields=["worker"], condition=models.Q(closed_at__isnull=True), name="testapp_one_open_shift"
            )
        ]
        guarantees = [
            ImmutableWhen("OLD.closed_at IS NOT NULL", name="closed_is_final", message="testapp_shift: closed"),
            FrozenColumns("worker", "code", message="testapp_shift: worker and code are fixed"),
            Undeletable(message="testapp_shift: never deleted"),
            RowTrigger(
                name="no_forbidden_note",
                events=["insert", "update"],
                body={
                    "sqlite": "SELECT RAISE(ABORT, 'testapp_shift: forbidden note') WHERE NEW.note = 'forbidden';",
                    "postgresql": "IF NEW.note = 'forbidden' THEN RAISE EXCEPTION 'testapp_shift: forbidden note' "
                    "USING ERRCODE = 'check_violation'; END IF; RETURN NEW;",
                    "mysql": f"IF NEW.note = 'forbidden' THEN {mysql_refusal('testapp_shift: forbidden note')} END IF;",
                },
                description="refuses the note 'forbidden'",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Code(models.Model):
    """A key compared byte by byte on every database."""

    value = CaseSensitiveCharField(max_length=20, unique=True)

    def __str__(self) -> str:
        return self.value


class BranchQuerySet(OrgQuerySetMixin, models.QuerySet):
    pass


class Branch(OrgOwned):
    """A natural key unique per organization (the tenancy convention)."""

    code = CaseSensitiveCharField(max_length=20)
    home = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = BranchQuerySet.as_manager()

    class Meta:
        constraints = [
            unique_per_org("code", name="testapp_branch_code_per_org"),
            models.UniqueConstraint(fields=["home", "code"], name="testapp_branch_home_code"),
        ]


class Country(models.Model):
    """A natural key meant to be global, declared so."""

    iso = models.CharField(max_length=2, unique=True)

    unique_per_database = {("iso",): "ISO 3166 codes are the same for every organization"}


class Reading(models.Model):
    """A fact with a record time the server sets (``RecordedAtField``) and a business time."""

    recorded_at = RecordedAtField()
    effective_at = models.DateTimeField(null=True)
    value = models.IntegerField(default=0)
