import dataclasses
import datetime as dt
import enum
import uuid
from decimal import Decimal

import pytest
from django.db import models

from django_decisioning import UnsupportedValue, canonical_json, request_fingerprint, to_json_value
from tests.testapp.models import Account, Ticket

UTC = dt.timezone.utc


class Colour(models.TextChoices):
    RED = "red", "Red"


class Size(models.IntegerChoices):
    BIG = 2, "Big"


def test_fingerprint_ignores_dict_order():
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint({"b": [1, 2], "a": 1})


def test_fingerprint_is_the_same_for_one_instant_in_two_timezones():
    noon_utc = dt.datetime(2025, 1, 1, 12, tzinfo=UTC)
    two_pm_plus_two = dt.datetime(2025, 1, 1, 14, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert request_fingerprint(noon_utc) == request_fingerprint(two_pm_plus_two)


def test_fingerprint_differs_for_different_payloads():
    assert request_fingerprint({"amount": "10.00"}) != request_fingerprint({"amount": "10.01"})


def test_fingerprint_accepts_floats():
    assert len(request_fingerprint({"ratio": 0.5})) == 64


@pytest.mark.django_db
def test_fingerprint_counts_instances_by_model_and_key():
    account = Account.objects.create(name="a")
    ticket = Ticket.objects.create(title="t")
    assert to_json_value(account, allow_instances=True) == {"model": "testapp.account", "pk": account.pk.hex}
    assert to_json_value(ticket, allow_instances=True) == {"model": "testapp.ticket", "pk": str(ticket.pk)}


def test_fingerprint_refuses_an_unsaved_instance():
    with pytest.raises(UnsupportedValue, match="unsaved"):
        request_fingerprint(Ticket(title="t"))


def test_decimal_keeps_its_exact_text():
    assert to_json_value(Decimal("19.90")) == "19.90"


def test_choices_become_plain_values():
    assert canonical_json({"colour": Colour.RED, "size": Size.BIG}) == '{"colour":"red","size":2}'


def test_dates_times_and_uuids_become_text():
    value = {"d": dt.date(2025, 1, 2), "t": dt.time(13, 5), "u": uuid.UUID(int=1)}
    assert to_json_value(value) == {"d": "2025-01-02", "t": "13:05:00", "u": "00000000-0000-0000-0000-000000000001"}


def test_canonical_json_has_sorted_keys_and_no_spaces():
    assert canonical_json({"b": 1, "a": [True, None]}) == '{"a":[true,null],"b":1}'


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0.1, "float"),
        (Decimal("NaN"), "cannot represent"),
        (dt.datetime(2025, 1, 1), "naive"),
        ({1: "x"}, "non-string key"),
        ({"a"}, "set"),
        (object(), "object"),
    ],
)
def test_values_without_an_exact_json_form_are_refused(value, message):
    with pytest.raises(UnsupportedValue, match=message):
        to_json_value(value)


def test_non_finite_floats_are_refused_even_where_floats_are_allowed():
    with pytest.raises(UnsupportedValue, match="cannot represent"):
        to_json_value(float("inf"), allow_floats=True)


def test_unsupported_value_is_a_type_error():
    assert issubclass(UnsupportedValue, TypeError)


@dataclasses.dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


class Channel(enum.Enum):
    WEB = "web"


def test_dataclass_value_objects_become_dicts_of_their_fields():
    assert to_json_value({"price": Money(Decimal("19.99"), "EUR")}) == {"price": {"amount": "19.99", "currency": "EUR"}}


def test_plain_enum_members_become_their_value():
    assert to_json_value([Channel.WEB]) == ["web"]
