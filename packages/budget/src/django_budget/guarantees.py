"""The SQL and messages of the database guarantees declared in ``django_budget.models`` (``Meta.guarantees``).

Every amount is in its budget's currency: a transaction (on insert; it is append-only), a
bucket's monthly limit and a monthly allocation (on insert and update) in another currency are
refused. The budget's currency is read from another table, which a trigger's ``WHEN`` cannot do
on PostgreSQL (no subqueries there): these checks are row triggers with a body per vendor.
MariaDB/MySQL compare the currencies as bytes, as the other vendors do: the default collation
would take ``eur`` for ``EUR``. No apostrophes in the messages: they are SQL string literals.
"""

from django_basemodels.guarantees import mysql_refusal

TX = "django_budget_budgettransaction"
BUDGET = "django_budget_budget"
BUCKET = "django_budget_bucket"
ALLOCATION = "django_budget_monthlyallocation"

APPEND_ONLY = f"{TX} is append-only: budget transactions are never updated or deleted, void them instead"
CURRENCY_LOCKED = f"{BUDGET}.currency cannot change: the amounts of the budget are stored in it"
MISMATCH = "django_budget: an amount must be in the currency of its budget"

# The currency of the budget of the row being written (NULL when the budget does not exist).
CURRENCY_OF_BUDGET = f"(SELECT currency FROM {BUDGET} WHERE id = NEW.budget_id)"
CURRENCY_OF_BUCKET_BUDGET = (
    f"(SELECT b.currency FROM {BUDGET} b JOIN {BUCKET} k ON k.budget_id = b.id WHERE k.id = NEW.bucket_id)"
)


def _mysql_currency_check(column: str, currency_of_budget: str, table: str) -> str:
    # <=> is NULL-safe equality: a budget that does not exist (NULL) never matches a currency.
    return f"""
IF NOT (CAST(NEW.{column} AS BINARY) <=> CAST({currency_of_budget} AS BINARY)) THEN
    {mysql_refusal(f"{MISMATCH} ({table})")}
END IF;
"""


TX_CURRENCY = {
    "sqlite": f"SELECT RAISE(ABORT, '{MISMATCH} ({TX})') WHERE NEW.currency IS NOT {CURRENCY_OF_BUDGET};",
    "postgresql": f"""
IF NEW.currency IS DISTINCT FROM {CURRENCY_OF_BUDGET} THEN
    RAISE EXCEPTION USING MESSAGE = '{MISMATCH} ({TX})', ERRCODE = 'check_violation';
END IF;
RETURN NEW;
""",
    "mysql": _mysql_currency_check("currency", CURRENCY_OF_BUDGET, TX),
}

BUCKET_CURRENCY = {
    "sqlite": (
        f"SELECT RAISE(ABORT, '{MISMATCH} ({BUCKET})') WHERE NEW.monthly_limit_currency IS NOT {CURRENCY_OF_BUDGET};"
    ),
    "postgresql": f"""
IF NEW.monthly_limit_currency IS DISTINCT FROM {CURRENCY_OF_BUDGET} THEN
    RAISE EXCEPTION USING MESSAGE = '{MISMATCH} ({BUCKET})', ERRCODE = 'check_violation';
END IF;
RETURN NEW;
""",
    "mysql": _mysql_currency_check("monthly_limit_currency", CURRENCY_OF_BUDGET, BUCKET),
}

ALLOCATION_CURRENCY = {
    "sqlite": (
        f"SELECT RAISE(ABORT, '{MISMATCH} ({ALLOCATION})') WHERE NEW.currency IS NOT {CURRENCY_OF_BUCKET_BUDGET};"
    ),
    "postgresql": f"""
IF NEW.currency IS DISTINCT FROM {CURRENCY_OF_BUCKET_BUDGET} THEN
    RAISE EXCEPTION USING MESSAGE = '{MISMATCH} ({ALLOCATION})', ERRCODE = 'check_violation';
END IF;
RETURN NEW;
""",
    "mysql": _mysql_currency_check("currency", CURRENCY_OF_BUCKET_BUDGET, ALLOCATION),
}
