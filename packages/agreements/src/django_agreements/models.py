"""``Agreement`` between any two parties, and its append-only ``AgreementVersion`` history of terms."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q

from django_agreements.exceptions import VersionImmutableError
from django_agreements.querysets import TERMINATION, AgreementQuerySet, AgreementVersionQuerySet
from django_agreements.terms import decode_terms
from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import CaseSensitiveCharField, ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import AppendOnly
from django_basemodels.models import UUIDModel
from django_decisioning.mixins import EffectiveDatedMixin, TimeSemanticsMixin
from django_decisioning.models import Decision


class Agreement(EffectiveDatedMixin, TimeSemanticsMixin, UUIDModel):
    """An agreement between ``party_a`` and ``party_b`` (any saved model instances), about a scope.

    ``scope_type`` says what kind of agreement it is (``"service_plan"``, ``"tos"``...) and
    ``scope_object`` optionally points at what it is about (a plan, a quote). ``agreed_by`` is
    the user who entered it. ``effective_at`` is the business time it took effect (it may be
    backdated) and equals ``valid_from``; ``recorded_at`` is when the system recorded it.
    ``valid_to`` is the end of a fixed term given at creation, or the time a termination takes
    effect; null: until further notice.

    The terms live in ``versions`` (``AgreementVersion``), never on this row. Write through
    ``django_agreements.services``: the only column the services change after creation is
    ``valid_to``, on termination. Deleting an agreement is refused (its versions protect it).
    """

    party_a_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    party_a_id = ObjectIdField()
    party_a = GenericForeignKey("party_a_type", "party_a_id")
    party_b_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    party_b_id = ObjectIdField()
    party_b = GenericForeignKey("party_b_type", "party_b_id")
    # Compared byte by byte on every database (a binary collation on MariaDB/MySQL): "TOS" is not "tos".
    scope_type = CaseSensitiveCharField(max_length=100, db_index=True)
    scope_object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope_object_id = ObjectIdField(blank=True, default="")
    scope_object = GenericForeignKey("scope_object_type", "scope_object_id")
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AgreementQuerySet.as_manager()  # type: ignore[misc, assignment]  # narrower than the mixins' manager

    class Meta(EffectiveDatedMixin.Meta):
        ordering = ["valid_from", "id"]
        constraints = [
            *EffectiveDatedMixin.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(party_a_type=F("party_b_type"), party_a_id=F("party_b_id")),
                name="django_agreements_agreement_two_parties",
                violation_error_message="An agreement needs two different parties.",
            ),
        ]
        indexes = [
            models.Index(fields=["party_a_type", "party_a_id"], name="django_agr_party_a_idx"),
            models.Index(fields=["party_b_type", "party_b_id"], name="django_agr_party_b_idx"),
            models.Index(fields=["scope_object_type", "scope_object_id"], name="django_agr_scope_obj_idx"),
        ]
        permissions = [
            ("amend_agreement", "Can amend any agreement"),
            ("terminate_agreement", "Can terminate any agreement"),
        ]

    def __str__(self) -> str:
        return f"{self.scope_type} agreement {self.pk}"

    @property
    def termination(self) -> AgreementVersion | None:
        """The termination version, if one was recorded (it may take effect in the future)."""
        return self.versions.filter(kind=TERMINATION).first()

    @property
    def is_terminated(self) -> bool:
        """Whether a termination was recorded (whether or not it has taken effect yet)."""
        return self.versions.filter(kind=TERMINATION).exists()

    @property
    def latest_version(self) -> AgreementVersion:
        """The version recorded last (the highest number); not necessarily the one in force now."""
        return self.versions.order_by("-version").first()  # type: ignore[return-value]


class AgreementVersion(TimeSemanticsMixin, UUIDModel):
    """An append-only fact: from ``effective_at`` on, the agreement's terms are ``terms`` (or it ends).

    ``version`` numbers the versions of one agreement from 1 (the original) in the order they
    were recorded (unique per agreement). ``kind`` is ``original``, ``amendment`` or
    ``termination`` (at most one per agreement; its ``terms`` are empty). ``terms`` is the
    typed JSON form of ``django_agreements.terms`` (``decoded_terms`` gives the Python values).
    ``ends_at`` is the end of the agreement as this version states it (a fixed term, or the
    termination time). ``author`` is the user who made the change; ``on_behalf_of`` the principal
    they acted for, if any; ``decision`` the ``django_decisioning.Decision`` recorded with it.

    ``effective_at`` (business time, may be backdated or in the future) decides which version is
    in force: at a time ``t`` it is the one with the latest ``effective_at <= t``, the higher
    ``version`` winning a tie. ``recorded_at`` is when the system learnt it (``known_at`` reads).

    ``save()`` of an existing row, ``delete()`` and queryset ``update()``/``delete()`` raise
    ``VersionImmutableError``; the database itself refuses raw SQL UPDATE and DELETE (and, on SQLite and
    MariaDB/MySQL, ``REPLACE`` and upserts, including one that would replace a termination through
    the one-termination constraint), as ``Meta.guarantees`` declares.
    """

    class Kind(models.TextChoices):
        ORIGINAL = "original", "original"
        AMENDMENT = "amendment", "amendment"
        TERMINATION = TERMINATION, "termination"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    # Byte by byte: the one-termination and original-is-version-1 rules see "TERMINATION" as no kind on MariaDB too.
    kind = CaseSensitiveCharField(max_length=20, choices=Kind.choices)
    terms = models.JSONField(default=dict, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of_id = ObjectIdField(blank=True, default="")
    on_behalf_of = GenericForeignKey("on_behalf_of_type", "on_behalf_of_id")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="+")

    objects = AgreementVersionQuerySet.as_manager()  # type: ignore[misc]  # narrower than the mixin's manager

    class Meta:
        ordering = ["agreement_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="django_agreements_version_number"),
            # A unique index over a generated column on MariaDB/MySQL, which have no partial index.
            PartialUniqueConstraint(
                fields=["agreement"], condition=Q(kind=TERMINATION), name="django_agreements_one_termination"
            ),
            models.CheckConstraint(
                condition=(Q(kind="original") & Q(version=1)) | (~Q(kind="original") & Q(version__gt=1)),
                name="django_agreements_original_is_version_1",
            ),
        ]
        indexes = [models.Index(fields=["on_behalf_of_type", "on_behalf_of_id"], name="django_agr_principal_idx")]
        guarantees = [
            AppendOnly(
                message="django_agreements_agreementversion is append-only: "
                "agreement versions are never updated or deleted"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.kind}) of agreement {self.agreement_id}"

    @property
    def decoded_terms(self) -> dict[str, Any]:
        """The terms with their Python types (``Decimal``, ``Money``, dates); empty for a termination."""
        return decode_terms(self.terms)

    @property
    def is_delegated(self) -> bool:
        return self.on_behalf_of_type_id is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the version; saving an existing one raises ``VersionImmutableError``.

        ``terms`` must be in the typed form of ``encode_terms``: a float or a malformed tag
        raises ``FloatInTermsError``/``InvalidTermsError`` before anything is written.
        """
        if not self._state.adding:
            raise VersionImmutableError(
                "Agreement versions are append-only; amend the agreement to make a new version."
            )
        decode_terms(self.terms)
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise VersionImmutableError("Agreement versions are append-only; they are never deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]
