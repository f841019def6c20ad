"""What the package refuses from the roadmap's examples, it refuses saying exactly what to pass instead."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("service", ["amend", "terminate"])
def test_leaving_out_by_as_the_roadmap_example_does_says_what_to_pass(service, request):
    from django_agreements import InvalidAgreementError
    from django_agreements.models import AgreementVersion
    from django_agreements.services import amend_agreement, terminate_agreement

    agreement = request.getfixturevalue("agreement")
    versions = AgreementVersion.objects.count()
    with pytest.raises(InvalidAgreementError, match=r"by= is required: pass the saved user .* by=request\.user"):
        if service == "amend":
            amend_agreement(agreement, new_terms={"monthly_fee": "109.00"}, reason="Price increase")
        else:
            terminate_agreement(agreement, reason="Moving away")
    assert AgreementVersion.objects.count() == versions


@pytest.mark.django_db
def test_a_float_in_the_terms_says_to_pass_a_decimal_or_a_string(customer, organization, owner):
    from django_agreements import FloatInTermsError
    from django_agreements.services import create_agreement

    with pytest.raises(FloatInTermsError, match=r"pass a Decimal or a string, such as Decimal\('99.0'\) or '99.0'"):
        create_agreement(
            party_a=customer,
            party_b=organization,
            scope_type="service_plan",
            terms={"monthly_fee": 99.00, "features": ["basic", "reports"]},
            agreed_by=owner,
        )


@pytest.mark.django_db
def test_a_naive_as_of_says_to_pass_an_aware_datetime(agreement):
    import datetime as dt

    from django_agreements import InvalidAgreementError, terms_as_of

    with pytest.raises(InvalidAgreementError, match=r"timezone-aware datetime \(django.utils.timezone.now\(\)"):
        terms_as_of(agreement, dt.datetime(2026, 1, 1))
