"""The exceptions django-sequence raises: one base class, a subclass per kind of mistake."""

from __future__ import annotations

from django_basemodels.tenancy import InvalidOrgError as BaseInvalidOrgError


class SequenceError(Exception):
    """Base class of every error raised by django-sequence."""


class SequenceNotDefinedError(SequenceError, LookupError):
    """The scope has no ``SequenceDefinition`` and ``SEQUENCE_REQUIRE_DEFINITION`` is on."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(
            f"No sequence is defined for scope {scope!r} and SEQUENCE_REQUIRE_DEFINITION is on; "
            "create a SequenceDefinition (in the admin or with define_sequence())."
        )


class InvalidDefinitionError(SequenceError, ValueError):
    """A sequence definition holds a value it cannot work with (padding, period, gap policy, start)."""


class InvalidTemplateError(InvalidDefinitionError):
    """A format template cannot produce the numbers: unknown placeholder, bad format, missing field.

    ``placeholder`` names the offending placeholder (``"year"`` for ``{year}``), or is ``None`` when
    the template as a whole is malformed (an unmatched brace).
    """

    def __init__(self, message: str, *, template: str, placeholder: str | None = None) -> None:
        self.template = template
        self.placeholder = placeholder
        super().__init__(message)


class InvalidScopeError(SequenceError, ValueError):
    """The scope is not a non-empty string of at most 100 characters."""


class InvalidOrgError(SequenceError, BaseInvalidOrgError):
    """The org is neither ``None``, a non-empty string key nor a saved model instance.

    Also a ``django_basemodels.InvalidOrgError`` (and a ``ValueError``): code that catches the
    convention's error for every package catches this one too.
    """


class InvalidMomentError(SequenceError, ValueError):
    """The ``at`` value is a naive datetime while ``USE_TZ`` is on, or not a date at all."""


class InvalidIdempotencyKeyError(SequenceError, ValueError):
    """The ``idempotency_key`` is not ``None`` or a string of 1 to 255 characters."""


# Deprecated names (one release): ``except InvalidScope`` keeps catching ``InvalidScopeError``.
SequenceNotDefined = SequenceNotDefinedError
InvalidDefinition = InvalidDefinitionError
InvalidTemplate = InvalidTemplateError
InvalidScope = InvalidScopeError
InvalidOrg = InvalidOrgError
InvalidMoment = InvalidMomentError
