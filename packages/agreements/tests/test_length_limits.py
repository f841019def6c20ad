"""Length limits on what enters a version: terms (AGREEMENTS_MAX_JSON_BYTES), reason (AGREEMENTS_MAX_TEXT_LENGTH),
scope_type (its column), and the evidence of the decision recorded with it (DECISIONING_MAX_JSON_BYTES)."""

import json
from decimal import Decimal

import pytest
from django.core import checks
from django.test import override_settings

from django_agreements import InvalidAgreementError
from django_agreements.checks import check_settings
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.services import amend_agreement, create_agreement, terminate_agreement
from django_basemodels.limits import DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_TEXT_LENGTH
from django_decisioning.models import Decision

pytestmark = pytest.mark.django_db

# Room in the decision evidence for terms at AGREEMENTS_MAX_JSON_BYTES plus the other fields.
ROOMY_EVIDENCE = DEFAULT_MAX_JSON_BYTES * 2


def json_bytes(value):
    return len(json.dumps(value).encode())


def terms_of(size):
    """Terms whose stored JSON form is exactly ``size`` bytes."""
    return {"note": "x" * (size - json_bytes({"note": ""}))}


def create(customer, organization, owner, **changes):
    arguments = {"scope_type": "service_plan", "terms": {"fee": Decimal("1.00")}, **changes}
    return create_agreement(party_a=customer, party_b=organization, agreed_by=owner, **arguments)


def counts():
    return Agreement.objects.count(), AgreementVersion.objects.count(), Decision.objects.count()


# --- terms --------------------------------------------------------------------------------------


@override_settings(DECISIONING_MAX_JSON_BYTES=ROOMY_EVIDENCE)
def test_terms_at_the_default_limit_are_accepted(customer, organization, owner):
    agreement = create(customer, organization, owner, terms=terms_of(DEFAULT_MAX_JSON_BYTES))
    assert agreement.latest_version.decoded_terms == terms_of(DEFAULT_MAX_JSON_BYTES)


@override_settings(DECISIONING_MAX_JSON_BYTES=ROOMY_EVIDENCE)
def test_terms_one_byte_over_the_limit_are_refused_and_nothing_is_written(customer, organization, owner):
    with pytest.raises(InvalidAgreementError, match=r"terms is 65,537 bytes of JSON; at most 65,536 are accepted"):
        create(customer, organization, owner, terms=terms_of(DEFAULT_MAX_JSON_BYTES + 1))
    assert counts() == (0, 0, 0)


@override_settings(DECISIONING_MAX_JSON_BYTES=ROOMY_EVIDENCE)
def test_new_terms_over_the_limit_are_refused_and_no_version_is_written(agreement, owner):
    before = counts()
    with pytest.raises(InvalidAgreementError, match="terms is"):
        amend_agreement(agreement, new_terms=terms_of(DEFAULT_MAX_JSON_BYTES + 1), reason="More", by=owner)
    assert counts() == before
    version = amend_agreement(agreement, new_terms=terms_of(DEFAULT_MAX_JSON_BYTES), reason="More", by=owner)
    assert version.decoded_terms == terms_of(DEFAULT_MAX_JSON_BYTES)


@pytest.mark.parametrize("limit", [100, 100_000])
def test_the_terms_limit_follows_agreements_max_json_bytes(customer, organization, owner, limit):
    with override_settings(AGREEMENTS_MAX_JSON_BYTES=limit, DECISIONING_MAX_JSON_BYTES=ROOMY_EVIDENCE * 2):
        agreement = create(customer, organization, owner, terms=terms_of(limit))
        with pytest.raises(InvalidAgreementError, match="terms"):
            amend_agreement(agreement, new_terms=terms_of(limit + 1), reason="More", by=owner)
    assert counts() == (1, 1, 1)


def test_terms_are_measured_in_their_stored_typed_form(customer, organization, owner):
    terms = {"fee": Decimal("1.00")}  # stored as {"fee":{"$decimal":"1.00"}}
    stored = json_bytes({"fee": {"$decimal": "1.00"}})
    with override_settings(AGREEMENTS_MAX_JSON_BYTES=stored - 1), pytest.raises(InvalidAgreementError, match="terms"):
        create(customer, organization, owner, terms=terms)
    with override_settings(AGREEMENTS_MAX_JSON_BYTES=stored):
        create(customer, organization, owner, terms=terms)
    assert counts() == (1, 1, 1)


# --- reason -------------------------------------------------------------------------------------


def test_a_reason_at_the_default_limit_is_accepted(agreement, owner):
    reason = "r" * DEFAULT_MAX_TEXT_LENGTH
    version = amend_agreement(agreement, new_terms={"fee": Decimal("2.00")}, reason=reason, by=owner)
    assert AgreementVersion.objects.get(pk=version.pk).reason == reason
    assert version.decision.evidence["reason"] == reason


def test_an_amendment_reason_one_over_the_limit_is_refused_and_nothing_is_written(agreement, owner):
    before = counts()
    with pytest.raises(InvalidAgreementError, match=r"reason has 10,001 characters; at most 10,000 are accepted"):
        amend_agreement(
            agreement, new_terms={"fee": Decimal("2.00")}, reason="r" * (DEFAULT_MAX_TEXT_LENGTH + 1), by=owner
        )
    assert counts() == before


def test_a_termination_reason_one_over_the_limit_is_refused_and_nothing_is_written(agreement, owner):
    before = counts()
    with pytest.raises(InvalidAgreementError, match="reason has 10,001 characters"):
        terminate_agreement(agreement, reason="r" * (DEFAULT_MAX_TEXT_LENGTH + 1), by=owner)
    assert counts() == before
    agreement.refresh_from_db()
    assert agreement.valid_to is None
    assert not agreement.is_terminated


@pytest.mark.parametrize("limit", [5, 20_000])
def test_the_reason_limit_follows_agreements_max_text_length(agreement, owner, limit):
    before = counts()
    with override_settings(AGREEMENTS_MAX_TEXT_LENGTH=limit):
        with pytest.raises(InvalidAgreementError, match="reason has"):
            terminate_agreement(agreement, reason="r" * (limit + 1), by=owner)
        amend_agreement(agreement, new_terms={"fee": Decimal("2.00")}, reason="r" * limit, by=owner)
        terminate_agreement(agreement, reason="r" * limit, by=owner)
    assert counts() == (before[0], before[1] + 2, before[2] + 2)


def test_an_over_long_reason_is_not_quoted_back(agreement, owner):
    with pytest.raises(InvalidAgreementError) as raised:
        terminate_agreement(agreement, reason=" " * (DEFAULT_MAX_TEXT_LENGTH + 1), by=owner)
    assert len(str(raised.value)) < 200


# --- scope_type: its column ---------------------------------------------------------------------


def test_a_scope_type_at_its_column_length_is_accepted(customer, organization, owner):
    assert create(customer, organization, owner, scope_type="s" * 100).scope_type == "s" * 100


def test_a_scope_type_longer_than_its_column_is_refused_and_nothing_is_written(customer, organization, owner):
    with pytest.raises(InvalidAgreementError, match="scope_type has 101 characters; at most 100 are accepted"):
        create(customer, organization, owner, scope_type="s" * 101)
    assert counts() == (0, 0, 0)


# --- the decision recorded with each version ------------------------------------------------------


@override_settings(AGREEMENTS_MAX_JSON_BYTES=1_000, DECISIONING_MAX_JSON_BYTES=500)
def test_evidence_over_the_decisioning_limit_refuses_a_creation_with_the_package_error(customer, organization, owner):
    with pytest.raises(
        InvalidAgreementError, match=r"version 1 was refused: evidence is .* DECISIONING_MAX_JSON_BYTES"
    ):
        create(customer, organization, owner, terms=terms_of(1_000))
    assert counts() == (0, 0, 0)


@override_settings(DECISIONING_MAX_JSON_BYTES=500)
def test_evidence_over_the_decisioning_limit_refuses_an_amendment_with_the_package_error(agreement, owner):
    before = counts()
    with pytest.raises(InvalidAgreementError, match="version 2 was refused"):
        amend_agreement(agreement, new_terms={"fee": Decimal("2.00")}, reason="r" * 500, by=owner)
    assert counts() == before


@override_settings(DECISIONING_MAX_JSON_BYTES=500)
def test_evidence_over_the_decisioning_limit_refuses_a_termination_with_the_package_error(agreement, owner):
    before = counts()
    with pytest.raises(InvalidAgreementError, match="version 2 was refused"):
        terminate_agreement(agreement, reason="r" * 500, by=owner)
    assert counts() == before
    agreement.refresh_from_db()
    assert agreement.valid_to is None


# --- system checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "check_id"),
    [("AGREEMENTS_MAX_TEXT_LENGTH", "django_agreements.E004"), ("AGREEMENTS_MAX_JSON_BYTES", "django_agreements.E005")],
)
@pytest.mark.parametrize("value", [0, -5, "10000", 2.5, False, None])
def test_a_limit_that_is_not_a_positive_integer_is_an_error(settings, name, check_id, value):
    setattr(settings, name, value)
    messages = check_settings()
    assert [message.id for message in messages] == [check_id]
    assert isinstance(messages[0], checks.Error)
    assert name in messages[0].msg


@pytest.mark.parametrize("name", ["AGREEMENTS_MAX_TEXT_LENGTH", "AGREEMENTS_MAX_JSON_BYTES"])
def test_a_positive_integer_limit_passes_the_checks(settings, name):
    setattr(settings, name, 1)
    assert check_settings() == []
