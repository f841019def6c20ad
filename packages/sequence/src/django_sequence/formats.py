"""Format templates: which placeholders they may use, which reset period they imply, and rendering."""

from __future__ import annotations

import datetime
import string

from django_sequence.choices import Period
from django_sequence.exceptions import InvalidDefinitionError, InvalidTemplateError

PLACEHOLDERS = ("prefix", "value", "padding", "year", "month", "day")
MAX_PADDING = 20
DATE_PLACEHOLDERS = ("year", "month", "day")
# The placeholders a period needs in the template: without them two periods would print the same numbers.
PERIOD_PLACEHOLDERS = {
    Period.NONE: (),
    Period.YEAR: ("year",),
    Period.MONTH: ("year", "month"),
    Period.DAY: ("year", "month", "day"),
}
_SAMPLE = {"prefix": "INV-", "value": 1, "padding": 4, "year": 2026, "month": 1, "day": 1}
_formatter = string.Formatter()
_ALLOWED = ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def template_placeholders(template: str) -> frozenset[str]:
    """Return the placeholders ``template`` uses, format specs included (``{value:0{padding}d}``).

    Raises ``InvalidTemplateError`` naming the placeholder for an unknown placeholder or a format spec that
    does not fit its value (``{value:s}``, ``{prefix:04d}``), and for a template without ``{value}``.
    """
    names = _placeholders(template, template)
    if "value" not in names:
        raise InvalidTemplateError(
            f"Template {template!r} has no {{value}} placeholder, so every number would print the same.",
            template=template,
            placeholder="value",
        )
    return names


def _placeholders(text: str, template: str) -> frozenset[str]:
    try:
        parsed = list(_formatter.parse(text))
    except ValueError as exc:
        raise InvalidTemplateError(f"Template {template!r} is malformed: {exc}.", template=template) from None
    names: set[str] = set()
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            raise InvalidTemplateError(
                f"Unknown placeholder {{{field}}} in template {template!r}; the placeholders are {_ALLOWED}.",
                template=template,
                placeholder=field,
            )
        names.add(field)
        if spec:
            names |= _placeholders(spec, template)
        single = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        try:
            single.format(**_SAMPLE)
        except (ValueError, TypeError) as exc:
            raise InvalidTemplateError(
                f"Placeholder {{{field}}} in template {template!r} has a format that does not fit it "
                f"({single}): {exc}.",
                template=template,
                placeholder=field,
            ) from None
    return frozenset(names)


def effective_period(template: str, period: str = Period.AUTO) -> Period:
    """Return the reset period of a sequence with this template and period setting (never ``AUTO``).

    ``AUTO`` picks the finest date placeholder of the template (``{month}`` gives ``MONTH``). Raises
    ``InvalidTemplateError`` when the template lacks a placeholder the period needs (numbers would repeat)
    and ``InvalidDefinitionError`` for an unknown period.
    """
    names = template_placeholders(template)
    try:
        chosen = Period(period)
    except ValueError:
        raise InvalidDefinitionError(f"Unknown period {period!r}; choose one of {', '.join(Period.values)}.") from None
    if chosen == Period.AUTO:
        chosen = next(
            (p for p, field in ((Period.DAY, "day"), (Period.MONTH, "month"), (Period.YEAR, "year")) if field in names),
            Period.NONE,
        )
        how = "the template's finest date placeholder"
    else:
        how = f"period {chosen.value!r}"
    for needed in PERIOD_PLACEHOLDERS[chosen]:
        if needed not in names:
            raise InvalidTemplateError(
                f"Template {template!r} restarts {chosen.label} ({how}) but has no {{{needed}}}, so numbers "
                f"would repeat; add {{{needed}}} or choose a coarser period.",
                template=template,
                placeholder=needed,
            )
    return chosen


def validate_padding(padding: object) -> int:
    """Return ``padding`` if it is an integer from 0 to 20, else raise ``InvalidDefinitionError``."""
    if isinstance(padding, bool) or not isinstance(padding, int) or not 0 <= padding <= MAX_PADDING:
        raise InvalidDefinitionError(f"Padding must be an integer from 0 to {MAX_PADDING}, not {padding!r}.")
    return padding


def period_key(period: str, moment: datetime.date | None) -> str:
    """Return the counter key of the period holding ``moment``: ``""``, ``"2026"``, ``"2026-11"``, ``"2026-11-25"``."""
    if period == Period.NONE or moment is None:
        return ""
    if period == Period.YEAR:
        return f"{moment.year:04d}"
    if period == Period.MONTH:
        return f"{moment.year:04d}-{moment.month:02d}"
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"


def render(template: str, *, prefix: str, padding: int, value: int, moment: datetime.date | None) -> str:
    """Format one number; ``moment`` may be ``None`` only for templates without date placeholders."""
    if moment is None:
        return template.format(prefix=prefix, padding=padding, value=value)
    return template.format(
        prefix=prefix, padding=padding, value=value, year=moment.year, month=moment.month, day=moment.day
    )
