"""Write paths of django-settlements: one function per decision surface.

Obligations (``obligations``): record one, cancel one. Money (``payments``): a payment allocated exactly to the
obligations it settles, a refund capped by what was paid. Corrections (``reversals``): the reversal of a payment
or refund. Credit (``credit``): set a limit, reserve under it, release or consume a reservation.

Every service takes keyword arguments (besides the one instance it acts on), validates all of them before its
first write, runs in ``transaction.atomic()`` and raises a ``SettlementsError`` subclass on refusal, leaving no
row behind. Every one takes ``by=`` (the acting user), ``on_behalf_of=`` (the principal) and
``idempotency_key=``: through ``django_decisioning.services.run_once`` (scope ``"django_settlements.<service>"``),
a repeat returns what the first call wrote, another request with the key raises ``IdempotencyKeyReusedError``.
Facts also store the key under a unique constraint, so a retry after the key's row was purged returns the
original instead of writing twice.
"""

from django_settlements.services.credit import consume_credit, release_credit, reserve_credit, set_credit_limit
from django_settlements.services.obligations import cancel_obligation, record_obligation
from django_settlements.services.payments import record_payment, record_refund
from django_settlements.services.reversals import reverse_settlement

__all__ = [
    "cancel_obligation",
    "consume_credit",
    "record_obligation",
    "record_payment",
    "record_refund",
    "release_credit",
    "reserve_credit",
    "reverse_settlement",
    "set_credit_limit",
]
