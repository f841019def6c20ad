"""Sequence definitions: template validation, reset periods, define_sequence, the per-process cache."""

import pytest
from django.core.exceptions import ValidationError

from django_sequence import (
    GapPolicy,
    InvalidDefinitionError,
    InvalidScopeError,
    InvalidTemplateError,
    Period,
    clear_definition_cache,
    define_sequence,
    next_sequence,
)
from django_sequence.formats import effective_period, template_placeholders
from django_sequence.models import SequenceDefinition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("template", "placeholder"),
    [
        ("{prefix}{number}", "number"),
        ("{value}{}", ""),
        ("{value}{0}", "0"),
        ("{value.real}", "value.real"),
        ("{value[0]}", "value[0]"),
        ("{value:0{width}d}", "width"),
    ],
)
def test_unknown_placeholder_is_refused_by_name(template, placeholder):
    with pytest.raises(InvalidTemplateError, match="Unknown placeholder") as caught:
        template_placeholders(template)
    assert caught.value.placeholder == placeholder
    assert f"{{{placeholder}}}" in str(caught.value)


@pytest.mark.parametrize(
    ("template", "placeholder"),
    [("{value:s}", "value"), ("{prefix:04d}{value}", "prefix"), ("{value!x}", "value"), ("{value:04q}", "value")],
)
def test_format_spec_that_does_not_fit_its_placeholder_is_refused_by_name(template, placeholder):
    with pytest.raises(InvalidTemplateError, match="does not fit") as caught:
        template_placeholders(template)
    assert caught.value.placeholder == placeholder


@pytest.mark.parametrize("template", ["{value", "value}", "{value}}"])
def test_unbalanced_braces_are_refused(template):
    with pytest.raises(InvalidTemplateError, match="malformed") as caught:
        template_placeholders(template)
    assert caught.value.placeholder is None


def test_template_without_value_is_refused():
    with pytest.raises(InvalidTemplateError, match=r"no \{value\}") as caught:
        template_placeholders("{prefix}{year}")
    assert caught.value.placeholder == "value"


def test_placeholders_include_those_nested_in_format_specs():
    assert template_placeholders("{prefix}{value:0{padding}d}") == {"prefix", "value", "padding"}


@pytest.mark.parametrize(
    ("template", "period"),
    [
        ("{value}", Period.NONE),
        ("{year}-{value}", Period.YEAR),
        ("{year}{month}-{value}", Period.MONTH),
        ("{year}{month}{day}-{value}", Period.DAY),
    ],
)
def test_auto_period_is_the_finest_date_placeholder(template, period):
    assert effective_period(template) == period


@pytest.mark.parametrize(
    ("template", "period", "missing"),
    [
        ("{value}", Period.YEAR, "year"),
        ("{year}-{value}", Period.MONTH, "month"),
        ("{month}-{value}", Period.MONTH, "year"),
        ("{year}{month}-{value}", Period.DAY, "day"),
        ("{day}-{value}", Period.AUTO, "year"),
    ],
)
def test_period_without_its_placeholders_is_refused_because_numbers_would_repeat(template, period, missing):
    with pytest.raises(InvalidTemplateError, match="would repeat") as caught:
        effective_period(template, period)
    assert caught.value.placeholder == missing


def test_unknown_period_is_refused():
    with pytest.raises(InvalidDefinitionError, match="Unknown period 'weekly'"):
        effective_period("{value}", "weekly")


def test_saving_a_definition_with_a_bad_template_raises_and_writes_nothing():
    with pytest.raises(InvalidTemplateError, match=r"\{number\}"):
        SequenceDefinition.objects.create(scope="invoice", template="{number}")
    assert not SequenceDefinition.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("padding", 21, "Padding"),
        ("start_value", -1, "start value"),
        ("gap_policy", "sometimes", "gap policy"),
        ("period", "weekly", "period"),
    ],
)
def test_saving_a_definition_with_a_bad_value_raises(field, value, message):
    definition = SequenceDefinition(**{"scope": "invoice", field: value})
    with pytest.raises(InvalidDefinitionError, match=message):
        definition.save()
    assert not SequenceDefinition.objects.exists()


def test_saving_a_definition_without_scope_raises():
    with pytest.raises(InvalidScopeError):
        SequenceDefinition(scope="").save()


def test_full_clean_reports_a_bad_template_on_the_template_field():
    definition = SequenceDefinition(scope="invoice", template="{prefix}{number}")
    with pytest.raises(ValidationError) as caught:
        definition.full_clean()
    assert "{number}" in caught.value.message_dict["template"][0]


def test_full_clean_reports_a_period_the_template_cannot_show_on_the_period_field():
    definition = SequenceDefinition(scope="invoice", template="{value}", period=Period.YEAR)
    with pytest.raises(ValidationError) as caught:
        definition.full_clean()
    assert "{year}" in caught.value.message_dict["period"][0]


def test_define_sequence_creates_a_definition():
    definition = define_sequence(scope="invoice", prefix="INV-", gap_policy=GapPolicy.ALLOW_GAPS, start_value=7)
    stored = SequenceDefinition.objects.get()
    assert (stored.pk, stored.prefix, stored.gap_policy, stored.start_value) == (
        definition.pk,
        "INV-",
        "allow_gaps",
        7,
    )
    assert str(stored) == "invoice"


def test_define_sequence_replaces_the_definition_of_the_scope():
    first = define_sequence(scope="invoice", prefix="INV-")
    second = define_sequence(scope="invoice", prefix="BILL-", padding=2)
    stored = SequenceDefinition.objects.get()
    assert (second.pk, stored.prefix, stored.padding) == (first.pk, "BILL-", 2)


def test_define_sequence_validates_before_writing():
    define_sequence(scope="invoice", prefix="INV-")
    with pytest.raises(InvalidTemplateError):
        define_sequence(scope="invoice", prefix="BILL-", template="{bad}")
    assert SequenceDefinition.objects.get().prefix == "INV-"


def test_changed_definition_applies_at_once_in_this_process():
    define_sequence(scope="invoice", prefix="INV-")
    assert next_sequence("invoice") == "INV-0001"
    definition = SequenceDefinition.objects.get()
    definition.prefix = "BILL-"
    definition.save()
    assert next_sequence("invoice") == "BILL-0002"


def test_deleted_definition_falls_back_to_the_defaults():
    define_sequence(scope="invoice", prefix="INV-")
    next_sequence("invoice")
    SequenceDefinition.objects.get().delete()
    assert next_sequence("invoice") == "INVOICE-0002"


def test_definition_changed_behind_the_models_back_is_cached_until_cleared():
    define_sequence(scope="invoice", prefix="INV-")
    next_sequence("invoice")
    SequenceDefinition.objects.update(prefix="BILL-")
    assert next_sequence("invoice") == "INV-0002"
    clear_definition_cache()
    assert next_sequence("invoice") == "BILL-0003"


def test_cache_timeout_zero_reads_the_definition_on_every_call(settings):
    settings.SEQUENCE_DEFINITION_CACHE_TIMEOUT = 0
    define_sequence(scope="invoice", prefix="INV-")
    next_sequence("invoice")
    SequenceDefinition.objects.update(prefix="BILL-")
    assert next_sequence("invoice") == "BILL-0002"


def test_changing_a_sequence_setting_clears_the_cache(settings):
    assert next_sequence("order") == "ORDER-0001"
    settings.SEQUENCE_DEFAULT_TEMPLATE = "{value}"
    assert next_sequence("order") == "2"


def test_broken_default_padding_setting_raises_on_use(settings):
    settings.SEQUENCE_DEFAULT_PADDING = -1
    with pytest.raises(InvalidDefinitionError, match="Padding"):
        next_sequence("order")


def test_broken_default_template_setting_raises_on_use(settings):
    settings.SEQUENCE_DEFAULT_TEMPLATE = "{number}"
    with pytest.raises(InvalidTemplateError, match=r"\{number\}"):
        next_sequence("order")
