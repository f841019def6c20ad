import uuid

import pytest

from django_basemodels import canonical_object_id

KEY = uuid.UUID("fae074ce-b02a-4c5e-9d1f-0123456789ab")
HEX = "fae074ceb02a4c5e9d1f0123456789ab"


def test_uuid_object_becomes_32_lowercase_hex_digits():
    assert canonical_object_id(KEY) == HEX


@pytest.mark.parametrize(
    "spelling",
    [
        "fae074ce-b02a-4c5e-9d1f-0123456789ab",
        "FAE074CE-B02A-4C5E-9D1F-0123456789AB",
        "{fae074ce-b02a-4c5e-9d1f-0123456789ab}",
        "urn:uuid:fae074ce-b02a-4c5e-9d1f-0123456789ab",
        "fae074ceb02a4c5e9d1f0123456789ab",
        "FAE074CEB02A4C5E9D1F0123456789AB",
    ],
)
def test_every_spelling_of_a_uuid_gives_the_same_text(spelling):
    assert canonical_object_id(spelling) == HEX


@pytest.mark.parametrize("value, text", [(42, "42"), ("42", "42"), (0, "0"), (-7, "-7")])
def test_integers_become_their_decimal_text(value, text):
    assert canonical_object_id(value) == text


@pytest.mark.parametrize(
    "slug",
    [
        "invoice-2024-001",
        "Mixed-Case-Slug",
        # hexadecimal look-alikes that are not a UUID spelling stay as they are
        "fae074ceb02a-4c5e9d1f0123456789ab",
        "fae074ce-b02a-4c5e-9d1f-0123456789ab-extra",
        "{fae074ceb02a4c5e9d1f0123456789ab}",
        "fae074ceb02a4c5e9d1f0123456789a",
    ],
)
def test_slugs_are_kept_as_they_are(slug):
    assert canonical_object_id(slug) == slug


def test_canonical_form_is_idempotent():
    assert canonical_object_id(canonical_object_id(KEY)) == HEX


def test_none_has_no_canonical_form():
    with pytest.raises(TypeError):
        canonical_object_id(None)
