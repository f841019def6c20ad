"""Taking numbers: counting, formatting, defaults (every database)."""

import pytest

from django_sequence import (
    InvalidScopeError,
    SequenceNotDefinedError,
    define_sequence,
    last_value,
    next_sequence,
    next_value,
)
from django_sequence.models import SequenceCounter

pytestmark = pytest.mark.django_db


def test_first_value_of_a_new_counter_is_one():
    assert next_value("invoice") == 1


def test_each_call_takes_the_next_integer():
    assert [next_value("invoice") for _ in range(5)] == [1, 2, 3, 4, 5]


def test_scopes_differing_only_in_case_have_their_own_counters_and_definitions():
    # Scopes compare byte by byte on every database (a binary collation on MariaDB/MySQL).
    define_sequence(scope="Invoice", prefix="UP-")
    define_sequence(scope="invoice", prefix="low-")
    assert [next_sequence("Invoice"), next_sequence("invoice"), next_sequence("invoice")] == [
        "UP-0001",
        "low-0001",
        "low-0002",
    ]
    assert sorted(SequenceCounter.objects.values_list("scope", "last_value")) == [("Invoice", 1), ("invoice", 2)]


def test_next_sequence_formats_with_prefix_and_padding_of_the_definition():
    define_sequence(scope="invoice", prefix="INV-", padding=4)
    assert [next_sequence("invoice"), next_sequence("invoice")] == ["INV-0001", "INV-0002"]


def test_next_sequence_and_next_value_share_one_counter():
    define_sequence(scope="invoice", prefix="INV-")
    assert next_value("invoice") == 1
    assert next_sequence("invoice") == "INV-0002"


def test_custom_template_formats_the_value():
    define_sequence(scope="ticket", template="T{value:06d}/{prefix}", prefix="X")
    assert next_sequence("ticket") == "T000001/X"


def test_scope_without_definition_uses_upper_cased_scope_and_four_digits():
    assert next_sequence("order") == "ORDER-0001"


def test_default_template_and_padding_settings_apply_to_undefined_scopes(settings):
    settings.SEQUENCE_DEFAULT_TEMPLATE = "{value:0{padding}d}"
    settings.SEQUENCE_DEFAULT_PADDING = 6
    assert next_sequence("order") == "000001"


def test_require_definition_setting_refuses_an_undefined_scope(settings):
    settings.SEQUENCE_REQUIRE_DEFINITION = True
    with pytest.raises(SequenceNotDefinedError, match="'order'"):
        next_value("order")
    assert not SequenceCounter.objects.exists()


def test_require_definition_setting_accepts_a_defined_scope(settings):
    settings.SEQUENCE_REQUIRE_DEFINITION = True
    define_sequence(scope="order", prefix="ORD-")
    assert next_sequence("order") == "ORD-0001"


def test_scopes_have_separate_counters():
    next_value("invoice")
    next_value("invoice")
    assert next_value("order") == 1


def test_start_value_is_the_first_value_of_a_new_counter():
    define_sequence(scope="invoice", start_value=1000)
    assert [next_value("invoice"), next_value("invoice")] == [1000, 1001]


def test_start_value_zero_is_allowed():
    define_sequence(scope="invoice", start_value=0)
    assert next_value("invoice") == 0


def test_padding_zero_prints_the_bare_value():
    define_sequence(scope="invoice", prefix="N", padding=0)
    assert next_sequence("invoice") == "N1"


def test_value_longer_than_the_padding_is_printed_whole():
    define_sequence(scope="invoice", prefix="N", padding=2, start_value=12345)
    assert next_sequence("invoice") == "N12345"


@pytest.mark.parametrize("scope", ["", None, 7, "x" * 101])
def test_invalid_scope_is_refused(scope):
    with pytest.raises(InvalidScopeError):
        next_value(scope)


def test_last_value_is_none_before_any_number():
    assert last_value("invoice") is None


def test_last_value_is_the_last_number_taken():
    next_value("invoice")
    next_value("invoice")
    assert last_value("invoice") == 2


def test_last_value_does_not_take_a_number():
    next_value("invoice")
    last_value("invoice")
    assert next_value("invoice") == 2


def test_counter_row_holds_the_last_value():
    next_value("invoice")
    next_value("invoice")
    counter = SequenceCounter.objects.get()
    assert (counter.scope, counter.org_key, counter.period_key, counter.last_value) == ("invoice", "", "", 2)
    assert str(counter) == "invoice: 2"
