"""Validators of the torture suite's encounter definition."""

from __future__ import annotations

from django_encounters import Validator


class StaffOnlyReopen(Validator):
    """Moving a reviewed visit back to ``active`` (the undo of a review) needs a staff user."""

    def user_blocks(self, *, encounter, from_state, to_state, user):
        if (from_state, to_state) == ("review", "active") and not (user is not None and user.is_staff):
            yield "only staff may reopen a reviewed visit"
