"""Terms are JSON without floats; Decimal, Money and dates round-trip exactly through the database."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_agreements import FloatInTermsError, InvalidTermsError, decode_terms, encode_terms
from django_agreements.models import AgreementVersion
from django_agreements.selectors import terms_as_of
from django_agreements.services import create_agreement
from django_money import Money


def strict(value):
    """``value`` with the type and exact text of every leaf, so ``Decimal("1.0")`` differs from ``Decimal("1.00")``."""
    if isinstance(value, dict):
        return {key: strict(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strict(item) for item in value]
    if isinstance(value, Money):
        return ("Money", str(value.amount), value.currency)
    return (type(value).__name__, str(value))


def test_the_seed_float_is_refused_with_a_message_that_says_to_pass_a_decimal_or_a_string():
    with pytest.raises(FloatInTermsError) as caught:
        encode_terms({"monthly_fee": 99.00, "features": ["basic", "reports"]})
    assert caught.value.path == "terms.monthly_fee"
    assert "pass a Decimal or a string" in str(caught.value)
    assert "Decimal('99.0')" in str(caught.value)


def test_a_float_nested_in_mappings_is_named_by_its_dotted_path():
    with pytest.raises(FloatInTermsError) as caught:
        encode_terms({"plan": {"monthly_fee": 99.0}})
    assert caught.value.path == "terms.plan.monthly_fee"


def test_a_float_in_a_list_is_named_with_its_index():
    with pytest.raises(FloatInTermsError) as caught:
        encode_terms({"tiers": [{"fee": Decimal("1")}, {"fee": 2.5}]})
    assert caught.value.path == "terms.tiers[1].fee"


def test_a_key_that_is_not_an_identifier_is_quoted_in_the_path():
    with pytest.raises(FloatInTermsError) as caught:
        encode_terms({"fee per seat": 1.5})
    assert caught.value.path == "terms['fee per seat']"


def test_float_in_terms_is_an_invalid_terms_and_a_type_error():
    with pytest.raises(InvalidTermsError):
        encode_terms({"x": 0.1})
    with pytest.raises(TypeError):
        encode_terms({"x": 0.1})


def test_decimal_and_money_are_stored_with_type_tags_and_exact_text():
    assert encode_terms({"fee": Decimal("99.00"), "cap": Money("500.00", "usd")}) == {
        "fee": {"$decimal": "99.00"},
        "cap": {"$money": {"amount": "500.00", "currency": "USD"}},
    }


def test_dates_and_aware_datetimes_are_stored_with_type_tags():
    moment = dt.datetime(2025, 1, 31, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert encode_terms({"start": dt.date(2025, 1, 31), "signed": moment}) == {
        "start": {"$date": "2025-01-31"},
        "signed": {"$datetime": "2025-01-31T09:00:00+00:00"},
    }


def test_decoding_restores_the_types_and_the_exact_digits():
    decoded = decode_terms(encode_terms({"fee": Decimal("99.00"), "cap": Money("1.50", "EUR")}))
    assert strict(decoded) == {"fee": ("Decimal", "99.00"), "cap": ("Money", "1.50", "EUR")}


def test_a_datetime_comes_back_as_the_same_instant_in_utc():
    moment = dt.datetime(2025, 1, 31, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    decoded = decode_terms(encode_terms({"signed": moment}))["signed"]
    assert decoded == moment and decoded.utcoffset() == dt.timedelta(0)


def test_tuples_are_stored_as_lists():
    assert decode_terms(encode_terms({"features": ("a", "b")})) == {"features": ["a", "b"]}


def test_caller_keys_starting_with_a_dollar_are_escaped_and_come_back_unchanged():
    terms = {"$decimal": "not a tag", "$$x": 1, "nested": {"$money": [1]}}
    stored = encode_terms(terms)
    assert stored == {"$$decimal": "not a tag", "$$$x": 1, "nested": {"$$money": [1]}}
    assert decode_terms(stored) == terms


def test_encoding_does_not_change_the_input():
    terms = {"fee": Decimal("1.0"), "items": [Decimal("2")]}
    encode_terms(terms)
    assert terms == {"fee": Decimal("1.0"), "items": [Decimal("2")]}


@pytest.mark.parametrize(
    "value, path",
    [
        ({"x": {1, 2}}, "terms.x"),
        ({"x": object()}, "terms.x"),
        ({"x": Decimal("NaN")}, "terms.x"),
        ({"x": Decimal("Infinity")}, "terms.x"),
        ({"x": dt.datetime(2025, 1, 1)}, "terms.x"),
        ({"x": dt.time(10, 0)}, "terms.x"),
        ({"x": {1: "a"}}, "terms.x"),
        ({"x": "nul\x00byte"}, "terms.x"),
        ({"x": "\ud800"}, "terms.x"),
        ({"a\x00": 1}, "terms"),
    ],
    ids=["set", "object", "nan", "infinity", "naive-datetime", "time", "int-key", "nul", "surrogate", "nul-key"],
)
def test_values_without_an_exact_form_are_refused_naming_their_path(value, path):
    with pytest.raises(InvalidTermsError) as caught:
        encode_terms(value)
    assert caught.value.path == path
    assert not isinstance(caught.value, FloatInTermsError)


def test_terms_must_be_a_mapping():
    with pytest.raises(InvalidTermsError, match="terms must be a mapping"):
        encode_terms([("fee", Decimal("1"))])


@pytest.mark.parametrize(
    "stored, message",
    [
        ({"x": {"$float": "1"}}, "unknown type tag"),
        ({"x": {"$decimal": "1", "other": 2}}, "mixes the type tag"),
        ({"x": {"$decimal": 5}}, "malformed"),
        ({"x": {"$decimal": "NaN"}}, "malformed"),
        ({"x": {"$decimal": "abc"}}, "does not load"),
        ({"x": {"$money": {"amount": "1"}}}, "malformed"),
        ({"x": {"$money": {"amount": "1", "currency": "ZZZ"}}}, "does not load"),
        ({"x": {"$date": "yesterday"}}, "does not load"),
        ({"x": {"$datetime": "2025-01-01T00:00:00"}}, "malformed"),
        ({"x": ("tuple",)}, "not JSON"),
    ],
)
def test_stored_data_that_encode_terms_cannot_have_made_is_refused(stored, message):
    with pytest.raises(InvalidTermsError, match=message):
        decode_terms(stored)


def test_stored_terms_must_be_an_object():
    with pytest.raises(InvalidTermsError, match="must be a JSON object"):
        decode_terms(["a"])


def test_a_stored_float_is_refused_on_decoding():
    with pytest.raises(FloatInTermsError):
        decode_terms({"fee": 99.0})


@pytest.mark.django_db
def test_create_agreement_refuses_the_seed_float_and_writes_nothing(customer, organization, owner):
    with pytest.raises(FloatInTermsError, match="pass a Decimal or a string"):
        create_agreement(
            party_a=customer,
            party_b=organization,
            scope_type="service_plan",
            terms={"monthly_fee": 99.00, "features": ["basic", "reports"]},
            agreed_by=owner,
        )
    assert not AgreementVersion.objects.exists()


@pytest.mark.django_db
def test_a_version_saved_directly_with_a_float_is_refused(agreement, owner):
    version = AgreementVersion(agreement=agreement, version=2, kind="amendment", terms={"fee": 1.5}, author=owner)
    with pytest.raises(FloatInTermsError):
        version.save()


@pytest.mark.django_db
def test_decimal_and_money_terms_read_back_exactly_from_the_database(customer, organization, owner):
    terms = {"monthly_fee": Decimal("99.00"), "cap": Money("500.000", "BHD"), "tiny": Decimal("1E-30")}
    agreement = create_agreement(
        party_a=customer, party_b=organization, scope_type="service_plan", terms=terms, agreed_by=owner
    )
    stored = AgreementVersion.objects.get(agreement=agreement).terms
    assert stored["monthly_fee"] == {"$decimal": "99.00"}
    read = terms_as_of(agreement, agreement.valid_from)
    assert read == terms and strict(read) == strict(terms)


CURRENCIES = st.sampled_from(["USD", "EUR", "JPY", "BHD", "CLF"])
DECIMALS = st.decimals(allow_nan=False, allow_infinity=False)
MONIES = st.builds(
    Money,
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12, places=4),
    CURRENCIES,
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
LEAVES = st.none() | st.booleans() | st.integers() | TEXT | DECIMALS | MONIES
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4))
TERMS = st.dictionaries(TEXT, VALUES, max_size=6)


@given(terms=TERMS)
def test_property_decode_of_encode_is_the_input_with_exact_digits(terms):
    decoded = decode_terms(encode_terms(terms))
    assert decoded == terms
    assert strict(decoded) == strict(terms)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=TERMS)
def test_property_terms_stored_and_loaded_from_the_database_are_the_input(terms, customer, organization, owner):
    agreement = create_agreement(
        party_a=customer, party_b=organization, scope_type="property", terms=terms, agreed_by=owner
    )
    loaded = AgreementVersion.objects.get(agreement=agreement).decoded_terms
    assert loaded == terms
    assert strict(loaded) == strict(terms)


def test_decoded_mappings_have_their_keys_in_sorted_order():
    decoded = decode_terms({"b": 1, "a": {"z": 1, "$$y": 2}})
    assert list(decoded) == ["a", "b"] and list(decoded["a"]) == ["$y", "z"]
