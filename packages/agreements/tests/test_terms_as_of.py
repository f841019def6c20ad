"""terms_as_of: the terms in force at any business time, as known at any record time, from versions only."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from django_agreements import AgreementExpiredError, InvalidAgreementError, TermsNotInForceError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.selectors import current_terms, terms_as_of, version_as_of
from django_agreements.services import amend_agreement, create_agreement, terminate_agreement
from tests.conftest import TERMS

pytestmark = pytest.mark.django_db

TICK = dt.timedelta(microseconds=1)


def amend(agreement, user, fee, **changes):
    return amend_agreement(agreement, new_terms={"fee": Decimal(fee)}, reason=f"fee {fee}", by=user, **changes)


def test_before_the_agreement_takes_effect_no_terms_are_in_force(agreement, start):
    with pytest.raises(TermsNotInForceError, match="No terms"):
        terms_as_of(agreement, start - TICK)
    assert version_as_of(agreement, start - TICK) is None


def test_each_version_governs_from_its_effective_at_until_a_later_effective_one(agreement, owner, start):
    amend(agreement, owner, "2", effective_at=start + dt.timedelta(days=10))
    amend(agreement, owner, "3", effective_at=start + dt.timedelta(days=20))
    assert terms_as_of(agreement, start + dt.timedelta(days=9)) == TERMS
    assert terms_as_of(agreement, start + dt.timedelta(days=10)) == {"fee": Decimal("2")}
    assert terms_as_of(agreement, start + dt.timedelta(days=25)) == {"fee": Decimal("3")}


def test_a_version_effective_earlier_but_recorded_later_does_not_override_a_later_effective_one(
    agreement, owner, start
):
    amend(agreement, owner, "3", effective_at=start + dt.timedelta(days=20))
    amend(agreement, owner, "2", effective_at=start + dt.timedelta(days=10))
    assert terms_as_of(agreement, start + dt.timedelta(days=15)) == {"fee": Decimal("2")}
    assert terms_as_of(agreement, start + dt.timedelta(days=25)) == {"fee": Decimal("3")}


def test_on_equal_effective_at_the_version_recorded_last_wins(agreement, owner, start):
    when = start + dt.timedelta(days=10)
    amend(agreement, owner, "2", effective_at=when)
    amend(agreement, owner, "3", effective_at=when)
    assert terms_as_of(agreement, when) == {"fee": Decimal("3")}
    assert version_as_of(agreement, when).version == 3


def test_known_at_ignores_versions_recorded_later(agreement, owner, start):
    believed_at = timezone.now()
    correction = amend(agreement, owner, "2", effective_at=start)
    assert terms_as_of(agreement, start, known_at=believed_at) == TERMS
    assert terms_as_of(agreement, start, known_at=correction.recorded_at) == {"fee": Decimal("2")}
    assert terms_as_of(agreement, start) == {"fee": Decimal("2")}


def test_nothing_is_known_before_the_agreement_was_recorded(agreement, start):
    first = AgreementVersion.objects.get()
    with pytest.raises(TermsNotInForceError, match="as known at"):
        terms_as_of(agreement, start, known_at=first.recorded_at - TICK)


def test_a_termination_recorded_later_is_not_known_before(agreement, owner, start):
    believed_at = timezone.now()
    termination = terminate_agreement(agreement, reason="Closed", by=owner, effective_at=start + dt.timedelta(days=1))
    assert terms_as_of(agreement, termination.effective_at, known_at=believed_at) == TERMS


def test_after_a_fixed_term_ends_terms_as_of_raises_agreement_expired(customer, organization, owner, start):
    end = start + dt.timedelta(days=10)
    agreement = create_agreement(
        party_a=customer,
        party_b=organization,
        scope_type="s",
        terms=TERMS,
        agreed_by=owner,
        effective_at=start,
        valid_to=end,
    )
    assert terms_as_of(agreement, end - TICK) == TERMS
    with pytest.raises(AgreementExpiredError) as caught:
        terms_as_of(agreement, end)
    assert caught.value.ended_at == end
    assert version_as_of(agreement, end) is None


def test_the_agreement_may_be_given_by_primary_key(agreement, start):
    assert terms_as_of(agreement.pk, start) == TERMS
    assert terms_as_of(str(agreement.pk), start) == TERMS


def test_the_returned_terms_are_a_new_dict_each_time(agreement, start):
    first = terms_as_of(agreement, start)
    first["features"].append("mutated")
    assert terms_as_of(agreement, start) == TERMS


def test_current_terms_are_the_terms_in_force_now(agreement, owner):
    amend(agreement, owner, "5")
    assert current_terms(agreement) == {"fee": Decimal("5")}


@pytest.mark.parametrize("value", ["not-a-uuid", 42.5])
def test_something_that_is_not_an_agreement_key_is_refused(value, start, db):
    with pytest.raises(InvalidAgreementError, match="must be an Agreement or its primary key"):
        terms_as_of(value, start)


def test_an_unknown_agreement_is_refused(start, db):
    with pytest.raises(InvalidAgreementError, match="does not exist"):
        terms_as_of(uuid.uuid4(), start)


def test_an_unsaved_agreement_is_refused(start, db):
    with pytest.raises(InvalidAgreementError, match="must be saved"):
        terms_as_of(Agreement(), start)


@pytest.mark.parametrize("name", ["when", "known_at"])
def test_naive_datetimes_are_refused(agreement, start, name):
    naive = dt.datetime(2025, 1, 1)
    arguments = {"when": start, "known_at": None, name: naive}
    with pytest.raises(InvalidAgreementError, match=f"{name} must be a timezone-aware"):
        terms_as_of(agreement, arguments["when"], known_at=arguments["known_at"])
