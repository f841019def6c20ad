"""Validators the tests name by dotted path."""

import threading

from django_encounters.validators import ValidationResult, Validator


class ChecklistValidator(Validator):
    """Blocks leaving for "review" until the metadata says the checklist is done."""

    def validate(self, *, encounter, from_state, to_state, user, metadata):
        if to_state == "review" and not metadata.get("checklist_done"):
            return ValidationResult.block("checklist is not done")
        return ValidationResult.ok()


class PhotoValidator(Validator):
    """Blocks "review" without photos, and warns when there are fewer than three."""

    def validate(self, *, encounter, from_state, to_state, user, metadata):
        if to_state != "review":
            return ValidationResult.ok()
        photos = metadata.get("photos", 0)
        if photos == 0:
            return ValidationResult.block("no photos attached")
        if photos < 3:
            return ValidationResult.warn(f"only {photos} photo(s) attached")
        return ValidationResult.ok()


class LateWarning(Validator):
    """Warns on every move (two warnings at once)."""

    def validate(self, *, encounter, from_state, to_state, user, metadata):
        return ValidationResult(warnings=["running late", "customer waiting"])


class StaffOnlyCompletion(Validator):
    """Only staff users may complete an encounter: a user-level block."""

    def user_blocks(self, *, encounter, from_state, to_state, user):
        if to_state == "completed" and not (user is not None and user.is_staff):
            yield "only staff may complete"


class ReturnsNothing(Validator):
    def validate(self, *, encounter, from_state, to_state, user, metadata):
        return None if to_state == "review" else ValidationResult.ok()


class UserBlocksAsText(Validator):
    def user_blocks(self, *, encounter, from_state, to_state, user):
        return "a string is not a list of reasons" if to_state == "review" else []


class Explodes(Validator):
    def validate(self, *, encounter, from_state, to_state, user, metadata):
        if to_state == "review":
            raise RuntimeError("validator crashed")
        return ValidationResult.ok()


class NotAValidator:
    def validate(self, **kwargs):
        return ValidationResult.ok()


class Gate(Validator):
    """Holds the first transition inside its transaction until the test opens the gate."""

    entered = threading.Event()
    release = threading.Event()
    calls: list[str] = []
    lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.entered = threading.Event()
        cls.release = threading.Event()
        cls.calls = []

    def validate(self, *, encounter, from_state, to_state, user, metadata):
        with self.lock:
            self.calls.append(to_state)
            first = len(self.calls) == 1
        if first:
            type(self).entered.set()
            type(self).release.wait(60)
        return ValidationResult.ok()


class EchoWarning(Validator):
    """Warns with the text the metadata gives under "warning", if any."""

    def validate(self, *, encounter, from_state, to_state, user, metadata):
        return ValidationResult.warn(metadata["warning"]) if "warning" in metadata else ValidationResult.ok()
