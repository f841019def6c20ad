import collections
import datetime
import decimal
import enum
import json
import uuid

import pytest
from django.utils.translation import gettext_lazy

from django_audit_log.encoding import canonical_json, to_json_safe
from django_basemodels import canonical_object_id
from tests.testapp.models import Plain


class Colour(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (decimal.Decimal("10.50"), "10.50"),
        (float("nan"), "nan"),
        (1.5, 1.5),
        (datetime.datetime(2026, 1, 1, 12, 0), "2026-01-01T12:00:00"),
        (datetime.time(9, 30), "09:30:00"),
        (datetime.timedelta(days=1, seconds=5), "P1DT00H00M05S"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (b"\x00\x01", "AAE="),
        (Colour.RED, "red"),
        (gettext_lazy("hello"), "hello"),
        ((1, "a"), [1, "a"]),
        ({1: {2}}, {"1": [2]}),
        (object, str(object)),
    ],
)
def test_values_become_json_data(value, expected):
    assert to_json_safe(value) == expected
    json.dumps(to_json_safe(value))


def test_a_model_instance_becomes_its_primary_key():
    assert to_json_safe(Plain(pk=7)) == 7


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (uuid.UUID("12345678-1234-5678-1234-567812345678"), "12345678123456781234567812345678"),
        ("12345678-1234-5678-1234-567812345678", "12345678123456781234567812345678"),
        ("{12345678-1234-5678-1234-567812345678}", "12345678123456781234567812345678"),
        (42, "42"),
        ("slug-that-is-not-a-uuid-but-36-ch", "slug-that-is-not-a-uuid-but-36-ch"),
        ("x" * 32, "x" * 32),
        ("URN:UUID:12345678-1234-5678-1234-567812345678", "12345678123456781234567812345678"),
    ],
)
def test_object_ids_have_one_canonical_text_form(value, expected):
    assert canonical_object_id(value) == expected
    assert canonical_object_id(expected) == expected


def test_a_missing_key_has_no_canonical_form():
    with pytest.raises(TypeError):
        canonical_object_id(None)


def test_canonical_json_sorts_keys_and_drops_whitespace():
    assert canonical_json({"b": [1, None, True], "a": {"y": "é", "x": False}}) == (
        '{"a":{"x":false,"y":"é"},"b":[1,null,true]}'
    )


@pytest.mark.parametrize(
    ("first", "second"), [(100, 100.0), (1e16, 10**16), (1.5e300, int("15" + "0" * 299)), (0, -0.0)]
)
def test_canonical_json_writes_equal_numbers_alike(first, second):
    # PostgreSQL's jsonb returns 1e16 as the integer 10000000000000000: both must hash alike.
    assert canonical_json(first) == canonical_json(second)


def test_canonical_json_keeps_different_numbers_apart():
    assert canonical_json(0.1) != canonical_json(0.10000000000000002)
    assert canonical_json(10**40 + 1) != canonical_json(10**40)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (11, "11"),
        (-7, "-7"),
        (0, "0"),
        (10, "1E+1"),
        (-120, "-1.2E+2"),
        (10**27 - 1, "999999999999999999999999999"),
        (10**27 + 1, "1000000000000000000000000001"),
        (10**40 + 1, "10000000000000000000000000000000000000001"),
        (5e-324, "5E-324"),
        (float("inf"), "Infinity"),
        (float("nan"), "NaN"),
    ],
)
def test_canonical_json_writes_numbers_as_normalised_decimals(number, expected):
    assert canonical_json(number) == expected


class _Key(str):
    pass


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({1: "a", "b": 2}, '{"1":"a","b":2}'),
        ({_Key("b"): 1, "a": (1, "x")}, '{"a":[1,"x"],"b":1}'),
        (collections.OrderedDict(b=1, a=2), '{"a":2,"b":1}'),
        (_Key("é\n"), '"é\\n"'),
    ],
)
def test_canonical_json_writes_other_mappings_sequences_and_keys_like_plain_ones(value, expected):
    assert canonical_json(value) == expected


def test_canonical_json_refuses_non_json_data():
    with pytest.raises(TypeError):
        canonical_json(decimal.Decimal("1"))
