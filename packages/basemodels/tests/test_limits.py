"""text_within_limit and json_within_limit: the one length guard every package calls."""

import pytest

from django_basemodels.limits import json_within_limit, text_within_limit


class RecordError(Exception):
    pass


def test_text_within_the_limit_is_returned_unchanged():
    assert text_within_limit("x" * 10, name="reason", limit=10) == "x" * 10
    assert text_within_limit(None, name="reason", limit=1) is None


def test_text_over_the_limit_raises_the_callers_error_naming_the_field():
    with pytest.raises(RecordError, match="reason has 11 characters; at most 10 are accepted"):
        text_within_limit("x" * 11, name="reason", limit=10, error=RecordError)


def test_json_is_measured_as_django_stores_it():
    # {"a": "\u00e9"}: 15 bytes, as JSONField's json.dumps writes it.
    assert json_within_limit({"a": "é"}, name="metadata", limit=15) == {"a": "é"}
    with pytest.raises(ValueError, match="metadata is 21 bytes of JSON; at most 15 are accepted"):
        json_within_limit({"a": "éé"}, name="metadata", limit=15)


def test_json_that_cannot_be_encoded_is_left_to_the_callers_validation():
    value = {"a": object()}
    assert json_within_limit(value, name="metadata", limit=1) is value
    assert json_within_limit(None, name="metadata", limit=1) is None


@pytest.mark.parametrize("value", [0, -1, True, "10", 1.5, None])
def test_a_limit_setting_that_is_not_a_positive_integer_is_an_error(value):
    from django_basemodels.checks import limit_setting_errors

    errors = limit_setting_errors("APP_MAX_TEXT_LENGTH", value, default=10_000, id="app.E001")

    assert [(e.id, e.msg, e.hint) for e in errors] == [
        (
            "app.E001",
            f"APP_MAX_TEXT_LENGTH = {value!r} must be a positive integer.",
            "Remove it to use the default, 10000.",
        )
    ]


def test_a_positive_limit_setting_is_fine():
    from django_basemodels.checks import limit_setting_errors

    assert limit_setting_errors("APP_MAX_TEXT_LENGTH", 1, default=10_000, id="app.E001") == []
