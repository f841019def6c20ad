"""Versions are append-only: the model, the queryset and the database refuse updates and deletes."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from django_agreements import VersionImmutableError
from django_agreements.models import Agreement, AgreementVersion
from tests.conftest import TERMS

TABLE = AgreementVersion._meta.db_table


@pytest.fixture
def original(agreement):
    return AgreementVersion.objects.get(agreement=agreement)


@pytest.mark.django_db
def test_saving_an_existing_version_is_refused(original):
    original.terms = {"monthly_fee": {"$decimal": "1.00"}}
    with pytest.raises(VersionImmutableError):
        original.save()
    assert AgreementVersion.objects.get().decoded_terms == TERMS


@pytest.mark.django_db
def test_deleting_a_version_is_refused(original):
    with pytest.raises(VersionImmutableError):
        original.delete()
    assert AgreementVersion.objects.exists()


@pytest.mark.django_db
def test_queryset_update_is_refused(original):
    with pytest.raises(VersionImmutableError):
        AgreementVersion.objects.filter(pk=original.pk).update(reason="edited")
    assert AgreementVersion.objects.get().reason == ""


@pytest.mark.django_db
def test_queryset_delete_is_refused(original):
    with pytest.raises(VersionImmutableError):
        AgreementVersion.objects.all().delete()
    assert AgreementVersion.objects.count() == 1


@pytest.mark.django_db
def test_bulk_update_is_refused(original):
    original.reason = "edited"
    with pytest.raises(VersionImmutableError):
        AgreementVersion.objects.bulk_update([original], ["reason"])


@pytest.mark.django_db
def test_raw_sql_update_is_refused_by_the_database(original):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = 'edited'")
    assert AgreementVersion.objects.get().reason == ""


@pytest.mark.django_db
def test_raw_sql_update_of_the_terms_is_refused_by_the_database(original):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET terms = %s", ['{"monthly_fee": {"$decimal": "1"}}'])
    assert AgreementVersion.objects.get().decoded_terms == TERMS


@pytest.mark.django_db
def test_raw_sql_delete_is_refused_by_the_database(original):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert AgreementVersion.objects.count() == 1


@pytest.mark.django_db
def test_deleting_an_agreement_with_versions_is_refused(agreement):
    with pytest.raises(ProtectedError):
        agreement.delete()
    assert Agreement.objects.exists()
