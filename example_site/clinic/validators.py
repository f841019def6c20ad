"""Rules of the visit state machine, run by django-encounters on every move of a ``clinic_visit``."""

from clinic.models import Invoice
from django_catalog.models import Basket, WorkItem
from django_encounters import ValidationResult, Validator


class VisitRules(Validator):
    """A visit waits for billing only when every order is done, and is billed only with an invoice."""

    def validate(self, *, encounter, from_state, to_state, user, metadata):
        if to_state == "awaiting_billing":
            reasons = []
            if Basket.objects.for_encounter(encounter).drafts().filter(items__isnull=False).exists():
                reasons.append("the basket has items that were never committed")
            open_items = list(WorkItem.objects.for_encounter(encounter).open().values_list("display_name", flat=True))
            if open_items:
                reasons.append("open work items: " + ", ".join(sorted(open_items)))
            return ValidationResult.block(*reasons) if reasons else ValidationResult.ok()
        if to_state == "billed" and not Invoice.objects.filter(encounter=encounter).exists():
            return ValidationResult.block("a visit is billed by issuing its invoice")
        return ValidationResult.ok()
