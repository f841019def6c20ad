"""The SQL and messages of the database guarantees declared in ``django_settlements.models`` (``Meta.guarantees``).

What the database refuses, whoever sends the SQL:

- an UPDATE or DELETE of an obligation, a settlement, an allocation or a credit movement (append-only);
- a cancellation that is not a copy of the obligation it cancels;
- a refund that does not go back between the parties of a payment still standing (not reversed), in its
  currency and organization, or that takes the refunds of that payment over its amount; a reversal that is not
  a copy of the payment or refund it reverses, or of a payment whose refunds still stand;
- an allocation in another currency than its settlement and obligation, to an obligation of other parties or
  organization, to a cancellation, with the wrong direction for its settlement, a payment allocated to a
  cancelled obligation, allocations beyond the settlement's amount, or what is paid on an obligation going
  below zero or beyond its amount;
- a credit movement in another currency than its limit, a release or consumption beyond what is left of a
  reservation of the same limit, a consumption whose obligation is not the debt it creates;
- an UPDATE of a credit limit's parties, currency or organization.

The rules read other rows, which a trigger's ``WHEN`` cannot do on PostgreSQL: they are row triggers with a
body per vendor, built from one condition. The services take row locks (the obligations a payment settles, the
payment a refund draws on, the limit a movement changes) so that concurrent writers queue before these checks
read; on SQLite writers are serialised. SQLite keeps decimals as floating point: amounts are compared in whole
ten-thousandths. No apostrophes in the messages: they are SQL string literals.
"""

from __future__ import annotations

from collections.abc import Callable

from django_basemodels.guarantees import mysql_refusal

OBLIGATION = "django_settlements_obligation"
SETTLEMENT = "django_settlements_settlement"
ALLOCATION = "django_settlements_allocation"
LIMIT = "django_settlements_creditlimit"
MOVEMENT = "django_settlements_creditmovement"

OBLIGATION_APPEND_ONLY = f"{OBLIGATION} is append-only: obligations are never updated or deleted, cancel them instead"
SETTLEMENT_APPEND_ONLY = f"{SETTLEMENT} is append-only: settlements are never updated or deleted, reverse them instead"
ALLOCATION_APPEND_ONLY = f"{ALLOCATION} is append-only: allocations are never updated or deleted"
CREDIT_MOVEMENT_APPEND_ONLY = f"{MOVEMENT} is append-only: credit movements are never updated or deleted"
LIMIT_PARTIES_FIXED = f"{LIMIT}: the parties, currency and organization of a credit limit are fixed"

CANCELLATION_NOT_A_COPY = "django_settlements: a cancellation is a copy of the obligation it cancels"
REFUND_REFUSED = (
    "django_settlements: a refund goes back between the parties of a standing payment, in its currency, "
    "within what is left of it"
)
REVERSAL_NOT_A_COPY = (
    "django_settlements: a reversal is a copy of the payment or refund it reverses, and a payment is reversed "
    "once its refunds are"
)
ALLOCATION_REFUSED = (
    "django_settlements: an allocation matches its settlement and obligation and keeps what is paid within the "
    "obligation"
)
MOVEMENT_REFUSED = (
    "django_settlements: a credit movement is in the currency of its limit and within what is left of its reservation"
)

Units = Callable[[str], str]


def _sqlite_units(expression: str) -> str:
    # SQLite keeps decimals as floating point: whole ten-thousandths compare and sum exactly.
    return f"CAST(ROUND({expression} * 10000) AS INTEGER)"


def _exact(expression: str) -> str:
    return expression


def _refuse_when(*rules: tuple[Callable[[Units], str], str]) -> dict[str, str]:
    """A ``RowTrigger`` body for each vendor refusing the row with a rule's message when its condition holds.

    A rule is ``(condition, message)``; ``condition`` builds the SQL (over ``NEW``) from a function that writes
    an amount in comparable units.
    """
    sqlite = "".join(
        f"SELECT RAISE(ABORT, '{message}') WHERE {condition(_sqlite_units)};\n" for condition, message in rules
    )
    postgresql = "".join(
        f"""
IF {condition(_exact)} THEN
    RAISE EXCEPTION USING MESSAGE = '{message}', ERRCODE = 'check_violation';
END IF;"""
        for condition, message in rules
    )
    mysql = "".join(
        f"""
IF {condition(_exact)} THEN
    {mysql_refusal(message)}
END IF;"""
        for condition, message in rules
    )
    return {"sqlite": sqlite, "postgresql": postgresql + "\nRETURN NEW;\n", "mysql": mysql + "\n"}


def _same(first: str, second: str, *names: str) -> str:
    return " AND ".join(f"{first}.{name} = {second}.{name}" for name in names)


def _standing(alias: str) -> str:
    """The settlement ``alias`` has no reversal."""
    return f"NOT EXISTS (SELECT 1 FROM {SETTLEMENT} undone WHERE undone.reverses_id = {alias}.id)"


def _cancellation_not_a_copy(units: Units) -> str:
    return f"""NEW.reverses_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM {OBLIGATION} original
    WHERE original.id = NEW.reverses_id AND original.reverses_id IS NULL
      AND {_same("original", "NEW", "debtor_type_id", "debtor_id", "creditor_type_id", "creditor_id")}
      AND {units("original.amount")} = {units("NEW.amount")}
      AND {_same("original", "NEW", "currency", "due_on", "org_key")}
)"""


def _refund_refused(units: Units) -> str:
    refunded = f"""COALESCE((
        SELECT SUM({units("earlier.amount")}) FROM {SETTLEMENT} earlier
        WHERE earlier.refund_of_id = payment.id AND {_standing("earlier")}
    ), 0)"""
    return f"""NEW.kind = 'refund' AND NOT EXISTS (
    SELECT 1 FROM {SETTLEMENT} payment
    WHERE payment.id = NEW.refund_of_id AND payment.kind = 'payment'
      AND payment.payer_type_id = NEW.payee_type_id AND payment.payer_id = NEW.payee_id
      AND payment.payee_type_id = NEW.payer_type_id AND payment.payee_id = NEW.payer_id
      AND {_same("payment", "NEW", "currency", "org_key")} AND {_standing("payment")}
      AND {units("payment.amount")} >= {units("NEW.amount")} + {refunded}
)"""


def _reversal_not_a_copy(units: Units) -> str:
    return f"""NEW.kind = 'reversal' AND NOT EXISTS (
    SELECT 1 FROM {SETTLEMENT} original
    WHERE original.id = NEW.reverses_id AND original.kind IN ('payment', 'refund')
      AND {_same("original", "NEW", "payer_type_id", "payer_id", "payee_type_id", "payee_id")}
      AND {units("original.amount")} = {units("NEW.amount")}
      AND {_same("original", "NEW", "currency", "org_key")}
      AND NOT EXISTS (
          SELECT 1 FROM {SETTLEMENT} refund WHERE refund.refund_of_id = original.id AND {_standing("refund")}
      )
)"""


def _allocation_refused(units: Units) -> str:
    toward_creditor = (
        "s.payer_type_id = o.debtor_type_id AND s.payer_id = o.debtor_id "
        "AND s.payee_type_id = o.creditor_type_id AND s.payee_id = o.creditor_id"
    )
    back_to_debtor = (
        "s.payer_type_id = o.creditor_type_id AND s.payer_id = o.creditor_id "
        "AND s.payee_type_id = o.debtor_type_id AND s.payee_id = o.debtor_id"
    )
    paid_before = f"""COALESCE((
        SELECT SUM({units("a.amount")} * a.direction) FROM {ALLOCATION} a WHERE a.obligation_id = o.id
    ), 0)"""
    allocated_before = f"""COALESCE((
        SELECT SUM({units("a.amount")}) FROM {ALLOCATION} a WHERE a.settlement_id = s.id
    ), 0)"""
    return f"""NOT EXISTS (
    SELECT 1 FROM {SETTLEMENT} s, {OBLIGATION} o
    WHERE s.id = NEW.settlement_id AND o.id = NEW.obligation_id AND o.reverses_id IS NULL
      AND s.currency = NEW.currency AND o.currency = NEW.currency AND s.org_key = o.org_key
      AND (
          ({toward_creditor} AND (
              (s.kind = 'payment' AND NEW.direction = 1
               AND NOT EXISTS (SELECT 1 FROM {OBLIGATION} c WHERE c.reverses_id = o.id))
              OR (s.kind = 'reversal' AND NEW.direction = -1)))
          OR ({back_to_debtor} AND (
              (s.kind = 'refund' AND NEW.direction = -1) OR (s.kind = 'reversal' AND NEW.direction = 1)))
      )
      AND {allocated_before} + {units("NEW.amount")} <= {units("s.amount")}
      AND {paid_before} + {units("NEW.amount")} * NEW.direction >= 0
      AND {paid_before} + {units("NEW.amount")} * NEW.direction <= {units("o.amount")}
)"""


def _movement_refused(units: Units) -> str:
    left_of_reservation = f"""{units("r.amount")} - COALESCE((
        SELECT SUM({units("m.amount")}) FROM {MOVEMENT} m WHERE m.reservation_id = r.id
    ), 0)"""
    limit_currency = f"(SELECT currency FROM {LIMIT} WHERE id = NEW.credit_limit_id)"
    return f"""NOT (NEW.currency = {limit_currency}) OR (NEW.kind <> 'reserve' AND NOT EXISTS (
    SELECT 1 FROM {MOVEMENT} r
    WHERE r.id = NEW.reservation_id AND r.kind = 'reserve' AND r.credit_limit_id = NEW.credit_limit_id
      AND {left_of_reservation} >= {units("NEW.amount")}
)) OR (NEW.kind = 'consume' AND NOT EXISTS (
    SELECT 1 FROM {OBLIGATION} o, {LIMIT} l
    WHERE o.id = NEW.obligation_id AND l.id = NEW.credit_limit_id AND o.reverses_id IS NULL
      AND {_same("o", "l", "debtor_type_id", "debtor_id", "creditor_type_id", "creditor_id", "currency", "org_key")}
      AND {units("o.amount")} = {units("NEW.amount")}
))"""


CANCELLATION_MIRRORS = _refuse_when((_cancellation_not_a_copy, CANCELLATION_NOT_A_COPY))
SETTLEMENT_MIRRORS = _refuse_when((_refund_refused, REFUND_REFUSED), (_reversal_not_a_copy, REVERSAL_NOT_A_COPY))
ALLOCATION_MATCHES = _refuse_when((_allocation_refused, ALLOCATION_REFUSED))
MOVEMENT_MATCHES = _refuse_when((_movement_refused, MOVEMENT_REFUSED))
