"""The validator interface: classes, named by dotted path, that block or warn about a transition.

A validator subclasses ``Validator`` and overrides ``validate`` (every transition) and/or
``user_blocks`` (who may make a move at all; also used by ``get_allowed_transitions``). This
module needs no app registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

from django_encounters.exceptions import ValidatorError

if TYPE_CHECKING:
    from django_encounters.models import Encounter


def messages_of(values: Any, what: str) -> tuple[str, ...]:
    """``values`` as a tuple of non-empty strings; ``TypeError`` naming ``what`` otherwise."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be a list of messages, not {type(values).__name__}.")
    messages = tuple(values)
    for message in messages:
        if not isinstance(message, str) or not message.strip():
            raise TypeError(f"{what} must hold non-empty strings, not {message!r}.")
    return messages


@dataclass(frozen=True)
class ValidationResult:
    """What one validator says about one transition: hard ``blocks`` and soft ``warnings`` (messages).

    Any block refuses the transition; warnings let it through and are stored on it. Build one with
    ``ValidationResult.ok()``, ``.block("reason", ...)``, ``.warn("message", ...)`` or the
    constructor (``ValidationResult(blocks=[...], warnings=[...])``). ``TypeError`` for anything
    but non-empty strings.
    """

    blocks: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", messages_of(self.blocks, "blocks"))
        object.__setattr__(self, "warnings", messages_of(self.warnings, "warnings"))

    @classmethod
    def ok(cls) -> ValidationResult:
        return cls()

    @classmethod
    def block(cls, *reasons: str) -> ValidationResult:
        return cls(blocks=reasons)

    @classmethod
    def warn(cls, *messages: str) -> ValidationResult:
        return cls(warnings=messages)


@dataclass(frozen=True)
class Issue:
    """A block or a warning as the service records it: the ``validator`` path and its ``message``."""

    validator: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"validator": self.validator, "message": self.message}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Issue:
        return cls(validator=str(data["validator"]), message=str(data["message"]))


class Validator:
    """Base class of transition validators; name a subclass by its dotted path in a definition.

    The service makes one instance per transition (``cls()``, no arguments) and calls, inside the
    transaction and after locking the encounter row:

    - ``user_blocks(encounter=, from_state=, to_state=, user=)``: reasons why ``user`` may not make
      this move at all (an iterable of strings; empty: no objection). It must only read: it is also
      called by ``get_allowed_transitions(encounter, user=user)``, outside any write.
    - ``validate(encounter=, from_state=, to_state=, user=, metadata=)``: a ``ValidationResult``
      with blocks and warnings for this very request.

    ``encounter`` is the freshly locked row, still in ``from_state``; ``user`` may be ``None`` (a
    system transition). Every validator of a transition runs, so a refusal lists every reason.
    Exceptions raised by a validator propagate unchanged and nothing is written.
    """

    def user_blocks(self, *, encounter: Encounter, from_state: str, to_state: str, user: Any) -> Iterable[str]:
        return ()

    def validate(
        self, *, encounter: Encounter, from_state: str, to_state: str, user: Any, metadata: Mapping[str, Any]
    ) -> ValidationResult:
        return ValidationResult()


def validator_path_problem(path: Any) -> str | None:
    """Why ``path`` does not name a ``Validator`` subclass, or ``None`` when it does."""
    if not isinstance(path, str) or not path:
        return f"validator path {path!r} is not a dotted path string."
    try:
        loaded = import_string(path)
    except ImportError as exc:
        return f"validator {path!r} cannot be imported: {exc}"
    if not (isinstance(loaded, type) and issubclass(loaded, Validator)):
        # Paths come from the database (admin-editable): only Validator subclasses are ever instantiated.
        return f"validator {path!r} is not a subclass of django_encounters.validators.Validator."
    return None


def load_validator(path: str) -> type[Validator]:
    """Import the ``Validator`` subclass at ``path``; ``ValidatorError`` when it is not one."""
    problem = validator_path_problem(path)
    if problem is not None:
        raise ValidatorError(problem, path=str(path))
    return import_string(path)
