"""The SQL and messages of the database guarantees declared in ``django_ledger.models`` (``Meta.guarantees``).

What the database refuses, whoever sends the SQL:

- a transaction is inserted as a draft; posting it (``posted_at`` from NULL to a value) needs at
  least two entries whose debits equal their credits in every currency; a posted transaction is
  never updated or deleted;
- posting stamps the transaction's entries with its ``posted_at`` (as their ``recorded_at``) and
  ``effective_at``, and each with its ``posted_units`` (its amount in whole ten-thousandths, negative on
  the credit side: what balances sum), in the same statement (an ``AFTER UPDATE`` trigger);
- an entry goes into a draft transaction only, with ``recorded_at`` NULL and ``posted_units`` 0, in its account's
  currency; a reversing entry mirrors a posted entry (its account, amount and currency, the other
  side); an entry of a posted transaction is never updated or deleted, the posting stamping it
  excepted;
- an account's currency never changes, nor its type once it has entries; its ``closed_through``
  never moves back (nor to NULL), and posting a transaction effective at or before the
  ``closed_through`` of an account of its entries is refused (the accounts read with a share lock,
  so a close and a backdated posting serialise);
- a closing balance is inserted only once its account is closed through it, with the debits and
  credits of the previous closing plus the posted entries of its period (each recorded by its
  ``recorded_at``), and is never updated or deleted.

The rules read other tables (the transaction of an entry, an account's currency, the entries of
a transaction), which a trigger's ``WHEN`` cannot do on PostgreSQL: they are row triggers with a
body per vendor. On PostgreSQL the entry triggers take ``FOR SHARE`` on the transaction row, so
a late entry and a posting of the same transaction serialise. On SQLite decimals are floating
point: the balance sums whole ten-thousandths. SQLite cannot name ``NEW`` in a ``DELETE``
trigger nor ``OLD`` in an ``INSERT`` one, so the entry rules are one guarantee per event.
No apostrophes in the messages: they are SQL string literals.

On MariaDB/MySQL (InnoDB) a client at ``REPEATABLE READ``, the server's default (Django asks for
``READ COMMITTED``), reads the snapshot its transaction took at its first read, and so does a plain
``SELECT`` in a trigger it fires: it may miss a row another transaction committed since. Every read
a rule depends on is a locking read (``LOCK IN SHARE MODE``), which reads the latest committed rows
and keeps them until commit: the entry triggers share-lock the transaction row (as ``FOR SHARE`` on
PostgreSQL), the balance check share-locks the entries it sums, and the account type check the entry
it finds. The text columns these rules compare (codes, currencies, sides, types) have a binary
collation there (``CaseSensitiveCharField``), so ``'usd'`` is not ``'USD'``, as on the other
vendors; the columns an entry's stamping must leave as they are are compared as bytes. The
messages are SQLite's, which name no row (MariaDB/MySQL keeps at most 128 characters of one).
"""

from django_basemodels.guarantees import mysql_refusal

TRANSACTION = "django_ledger_transaction"
ENTRY = "django_ledger_entry"
ACCOUNT = "django_ledger_account"
CLOSING = "django_ledger_closingbalance"

# The one update that posts a transaction: the condition of the balance check and of the stamping.
POSTING = "OLD.posted_at IS NULL AND NEW.posted_at IS NOT NULL"

INSERTED_AS_DRAFT = (
    "django_ledger: a transaction is inserted as a draft, then posted by an update once its entries balance"
)
POSTED_TRANSACTION_IS_FINAL = "django_ledger: the transaction is posted: it is never updated or deleted (reverse it)"
CURRENCY_IS_FIXED = "django_ledger: the currency of an account is fixed"

TOO_FEW_ENTRIES = "needs at least two entries to be posted"
UNBALANCED = "does not balance: its debits differ from its credits"
ENTRY_OF_POSTED = "it is never changed or deleted (reverse it)"
NO_LATE_ENTRY = "is posted: no entry can be added to it"
RECORDED_AT_POSTING = (
    "django_ledger: an entry is recorded when its transaction is posted: write it with recorded_at NULL "
    "and posted_units 0"
)
ENTRY_CURRENCY = "django_ledger: the currency of an entry must be the currency of its account"
MIRROR = "django_ledger: a reversing entry mirrors a posted entry: its account, amount and currency, the other side"
ACCOUNT_TYPE_IS_FIXED = "has entries: its type is fixed"
IN_A_CLOSED_PERIOD = "is effective at or before the closed_through of an account of its entries (post it later)"
CLOSED_THROUGH_MOVES_FORWARD = "django_ledger: the closed_through of an account only moves forward"
CLOSING_IS_FINAL = "django_ledger: a closing balance is never updated or deleted"
CLOSING_OF_A_CLOSED_PERIOD = (
    "django_ledger: a closing balance is written once its account is closed through it (close_books)"
)
CLOSING_MATCHES_ENTRIES = (
    "django_ledger: a closing balance is the previous one plus the posted entries of its period, all recorded by then"
)

# A reversing entry (NEW) mirrors a posted entry: same account, amount and currency, the other side.
NOT_A_MIRROR = f"""NEW.reverses_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM {ENTRY} original
    WHERE original.id = NEW.reverses_id AND original.recorded_at IS NOT NULL
      AND original.account_id = NEW.account_id AND original.amount = NEW.amount
      AND original.currency = NEW.currency AND original.entry_type <> NEW.entry_type
)"""
ACCOUNT_CURRENCY = f"(SELECT currency FROM {ACCOUNT} WHERE id = NEW.account_id)"
# The columns of an entry the posting leaves as they are: it writes only recorded_at, effective_at and posted_units.
UNSTAMPED_COLUMNS = (
    "id",
    "transaction_id",
    "account_id",
    "entry_type",
    "amount",
    "currency",
    "reverses_id",
    "source_type_id",
    "source_id",
)

# SQLite keeps decimals as floating point: sum whole ten-thousandths so 0.1 + 0.2 - 0.3 is 0.
SQLITE_UNITS = "CAST(ROUND(amount * 10000) AS INTEGER)"

# What the posting writes into an entry's posted_units: its amount in whole ten-thousandths, positive on the
# debit side, negative on the credit side (``{row}``: ``NEW.`` or nothing). A balance is their bare SUM.
_SIGNED_UNITS = {
    "sqlite": "CASE WHEN {row}entry_type = 'debit' THEN 1 ELSE -1 END * CAST(ROUND({row}amount * 10000) AS INTEGER)",
    "postgresql": "CASE WHEN {row}entry_type = 'debit' THEN 1 ELSE -1 END * ({row}amount * 10000)::bigint",
    "mysql": "CASE WHEN {row}entry_type = 'debit' THEN 1 ELSE -1 END * CAST({row}amount * 10000 AS SIGNED)",
}


def signed_units(vendor: str, row: str = "") -> str:
    """The SQL of an entry's posted_units once posted, from its ``entry_type`` and ``amount`` (of ``row``).

    In parentheses: PL/pgSQL ends an ``IF`` condition at the first ``THEN`` outside them, the ``CASE``'s too.
    """
    return f"({_SIGNED_UNITS[vendor].format(row=row)})"


# -- Transaction ---------------------------------------------------------------------------------

# An account of the transaction's entries closed through its effective_at (or later). The accounts are read
# with a share lock: a concurrent close_books (which updates them) and this posting serialise.
TRANSACTION_BALANCED = {
    "sqlite": f"""
SELECT RAISE(ABORT, 'django_ledger: the transaction {TOO_FEW_ENTRIES}')
    WHERE (SELECT count(*) FROM {ENTRY} WHERE transaction_id = NEW.id) < 2;
SELECT RAISE(ABORT, 'django_ledger: the transaction {IN_A_CLOSED_PERIOD}')
    WHERE EXISTS (
        SELECT 1 FROM {ENTRY} e JOIN {ACCOUNT} a ON a.id = e.account_id
        WHERE e.transaction_id = NEW.id AND a.closed_through >= NEW.effective_at
    );
SELECT RAISE(ABORT, 'django_ledger: the transaction {UNBALANCED}')
    WHERE EXISTS (
        SELECT 1 FROM {ENTRY} WHERE transaction_id = NEW.id GROUP BY currency
        HAVING sum(CASE WHEN entry_type = 'debit' THEN {SQLITE_UNITS} ELSE -{SQLITE_UNITS} END) <> 0
    );
""",
    # One statement counts the entries and share-locks their accounts (FOR SHARE OF a, in key order).
    "postgresql": f"""
DECLARE
    entry_count integer;
    closed boolean;
BEGIN
SELECT count(*), bool_or(locked.closed_through >= NEW.effective_at) INTO entry_count, closed FROM (
    SELECT a.closed_through FROM {ENTRY} e JOIN {ACCOUNT} a ON a.id = e.account_id
    WHERE e.transaction_id = NEW.id ORDER BY a.id FOR SHARE OF a
) AS locked;
IF entry_count < 2 THEN
    RAISE EXCEPTION 'django_ledger: transaction % {TOO_FEW_ENTRIES}', NEW.id USING ERRCODE = 'check_violation';
END IF;
IF closed THEN
    RAISE EXCEPTION 'django_ledger: transaction % {IN_A_CLOSED_PERIOD}', NEW.id USING ERRCODE = 'check_violation';
END IF;
IF EXISTS (
    SELECT 1 FROM {ENTRY} WHERE transaction_id = NEW.id GROUP BY currency
    HAVING sum(CASE WHEN entry_type = 'debit' THEN amount ELSE -amount END) <> 0
) THEN
    RAISE EXCEPTION 'django_ledger: transaction % {UNBALANCED}', NEW.id USING ERRCODE = 'check_violation';
END IF;
RETURN NEW;
END
""",
    # One locking read: the latest committed entries of the transaction per currency, and their accounts.
    "mysql": f"""
DECLARE entry_count INT;
DECLARE unbalanced_currencies INT;
DECLARE closed_accounts INT;
SELECT COALESCE(SUM(per_currency.entries), 0), COALESCE(SUM(per_currency.net <> 0), 0),
       COALESCE(MAX(per_currency.closed), 0)
    INTO entry_count, unbalanced_currencies, closed_accounts
    FROM (
        SELECT count(*) AS entries,
               sum(CASE WHEN e.entry_type = 'debit' THEN e.amount ELSE -e.amount END) AS net,
               MAX(a.closed_through >= NEW.effective_at) AS closed
        FROM {ENTRY} e JOIN {ACCOUNT} a ON a.id = e.account_id
        WHERE e.transaction_id = NEW.id GROUP BY e.currency LOCK IN SHARE MODE
    ) AS per_currency;
IF entry_count < 2 THEN
    {mysql_refusal(f"django_ledger: the transaction {TOO_FEW_ENTRIES}")}
END IF;
IF closed_accounts > 0 THEN
    {mysql_refusal(f"django_ledger: the transaction {IN_A_CLOSED_PERIOD}")}
END IF;
IF unbalanced_currencies > 0 THEN
    {mysql_refusal(f"django_ledger: the transaction {UNBALANCED}")}
END IF;
""",
}

_STAMP = (
    f"UPDATE {ENTRY} SET recorded_at = NEW.posted_at, effective_at = NEW.effective_at, posted_units = {{units}}\n"
    "    WHERE transaction_id = NEW.id;"
)

STAMP_ENTRIES = {
    "sqlite": f"""
{_STAMP.format(units=signed_units("sqlite"))}
""",
    "postgresql": f"""
{_STAMP.format(units=signed_units("postgresql"))}
RETURN NULL;
""",
    "mysql": f"""
{_STAMP.format(units=signed_units("mysql"))}
""",
}

# -- Entry ---------------------------------------------------------------------------------------

SQLITE_TRANSACTION_OF = f"(SELECT {{column}} FROM {TRANSACTION} WHERE id = {{side}}.transaction_id)"
SQLITE_OLD_POSTED_AT = SQLITE_TRANSACTION_OF.format(column="posted_at", side="OLD")


# The rules every written entry (NEW) keeps, where ``{applies}`` holds.
SQLITE_NEW_ROW_CHECKS = f"""
SELECT RAISE(ABORT, 'django_ledger: the transaction {NO_LATE_ENTRY}')
    WHERE {{applies}} AND {SQLITE_TRANSACTION_OF.format(column="posted_at", side="NEW")} IS NOT NULL;
SELECT RAISE(ABORT, '{RECORDED_AT_POSTING}')
    WHERE {{applies}} AND (NEW.recorded_at IS NOT NULL OR NEW.posted_units <> 0);
SELECT RAISE(ABORT, '{ENTRY_CURRENCY}')
    WHERE {{applies}} AND NEW.currency IS NOT {ACCOUNT_CURRENCY};
SELECT RAISE(ABORT, '{MIRROR}')
    WHERE {{applies}} AND {NOT_A_MIRROR};
"""


# PL/pgSQL, with ``txn`` a declared record. FOR SHARE: a concurrent posting of this transaction
# waits for this statement's transaction, or this one for the posting.
PG_NEW_ROW_CHECKS = f"""
    SELECT posted_at INTO txn FROM {TRANSACTION} WHERE id = NEW.transaction_id FOR SHARE;
    IF txn.posted_at IS NOT NULL THEN
        RAISE EXCEPTION 'django_ledger: transaction % {NO_LATE_ENTRY}', NEW.transaction_id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.recorded_at IS NOT NULL OR NEW.posted_units <> 0 THEN
        RAISE EXCEPTION '{RECORDED_AT_POSTING}' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.currency IS DISTINCT FROM {ACCOUNT_CURRENCY} THEN
        RAISE EXCEPTION '{ENTRY_CURRENCY}' USING ERRCODE = 'check_violation';
    END IF;
    IF {NOT_A_MIRROR} THEN
        RAISE EXCEPTION '{MIRROR}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
"""

# MariaDB/MySQL statements, with ``txn_posted_at`` a declared DATETIME(6). The aggregate always
# returns a row (NULL for a missing transaction, which the foreign key refuses next); the locking
# read takes the transaction row in share mode, as ``FOR SHARE`` on PostgreSQL.
MYSQL_NEW_ROW_CHECKS = f"""
SELECT MAX(posted_at) INTO txn_posted_at FROM {TRANSACTION} WHERE id = NEW.transaction_id LOCK IN SHARE MODE;
IF txn_posted_at IS NOT NULL THEN
    {mysql_refusal(f"django_ledger: the transaction {NO_LATE_ENTRY}")}
END IF;
IF NEW.recorded_at IS NOT NULL OR NEW.posted_units <> 0 THEN
    {mysql_refusal(RECORDED_AT_POSTING)}
END IF;
IF NOT (NEW.currency <=> {ACCOUNT_CURRENCY}) THEN
    {mysql_refusal(ENTRY_CURRENCY)}
END IF;
IF {NOT_A_MIRROR} THEN
    {mysql_refusal(MIRROR)}
END IF;
"""

ENTRY_ADDED_TO_A_DRAFT = {
    "sqlite": SQLITE_NEW_ROW_CHECKS.format(applies="1"),
    "postgresql": f"""
DECLARE
    txn record;
BEGIN
{PG_NEW_ROW_CHECKS}
END
""",
    "mysql": f"""
DECLARE txn_posted_at DATETIME(6);
{MYSQL_NEW_ROW_CHECKS}""",
}

_SQLITE_UNCHANGED = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in UNSTAMPED_COLUMNS)
_PG_NEW = ", ".join(f"NEW.{column}" for column in UNSTAMPED_COLUMNS)
_PG_OLD = ", ".join(f"OLD.{column}" for column in UNSTAMPED_COLUMNS)
# As bytes: the default collation would call a change of case (of an id, say) no change.
_MYSQL_UNCHANGED = "\n        AND ".join(
    f"CAST(NEW.{column} AS BINARY) <=> CAST(OLD.{column} AS BINARY)" for column in UNSTAMPED_COLUMNS
)

ENTRY_POSTED_IS_FINAL = {
    "sqlite": f"""
SELECT RAISE(ABORT, 'django_ledger: the entry belongs to a posted transaction: {ENTRY_OF_POSTED}')
    WHERE {SQLITE_OLD_POSTED_AT} IS NOT NULL AND NOT (
        OLD.recorded_at IS NULL
        AND NEW.recorded_at IS {SQLITE_OLD_POSTED_AT}
        AND NEW.effective_at IS {SQLITE_TRANSACTION_OF.format(column="effective_at", side="OLD")}
        AND NEW.posted_units = {signed_units("sqlite", "NEW.")}
        AND {_SQLITE_UNCHANGED}
    );
{SQLITE_NEW_ROW_CHECKS.format(applies=SQLITE_OLD_POSTED_AT + " IS NULL")}""",
    "postgresql": f"""
DECLARE
    txn record;
BEGIN
    SELECT posted_at, effective_at INTO txn FROM {TRANSACTION} WHERE id = OLD.transaction_id FOR SHARE;
    IF txn.posted_at IS NOT NULL THEN
        -- The one change allowed: the posting stamping its entries with the transaction's times.
        IF OLD.recorded_at IS NULL AND NEW.recorded_at = txn.posted_at AND NEW.effective_at = txn.effective_at
           AND NEW.posted_units = {signed_units("postgresql", "NEW.")}
           AND ({_PG_NEW}) IS NOT DISTINCT FROM ({_PG_OLD}) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'django_ledger: entry % belongs to posted transaction %: {ENTRY_OF_POSTED}',
            OLD.id, OLD.transaction_id USING ERRCODE = 'restrict_violation';
    END IF;
{PG_NEW_ROW_CHECKS}
END
""",
    "mysql": f"""
DECLARE old_posted_at DATETIME(6);
DECLARE old_effective_at DATETIME(6);
DECLARE txn_posted_at DATETIME(6);
SELECT MAX(posted_at), MAX(effective_at) INTO old_posted_at, old_effective_at
    FROM {TRANSACTION} WHERE id = OLD.transaction_id LOCK IN SHARE MODE;
IF old_posted_at IS NOT NULL THEN
    -- The one change allowed: the posting stamping its entries with the transaction's times.
    IF NOT (
        OLD.recorded_at IS NULL AND NEW.recorded_at <=> old_posted_at AND NEW.effective_at <=> old_effective_at
        AND NEW.posted_units = {signed_units("mysql", "NEW.")}
        AND {_MYSQL_UNCHANGED}
    ) THEN
        {mysql_refusal(f"django_ledger: the entry belongs to a posted transaction: {ENTRY_OF_POSTED}")}
    END IF;
ELSE
{MYSQL_NEW_ROW_CHECKS}
END IF;
""",
}

ENTRY_POSTED_IS_UNDELETABLE = {
    "sqlite": f"""
SELECT RAISE(ABORT, 'django_ledger: the entry belongs to a posted transaction: {ENTRY_OF_POSTED}')
    WHERE {SQLITE_OLD_POSTED_AT} IS NOT NULL;
""",
    "postgresql": f"""
DECLARE
    txn record;
BEGIN
    SELECT posted_at INTO txn FROM {TRANSACTION} WHERE id = OLD.transaction_id FOR SHARE;
    IF txn.posted_at IS NOT NULL THEN
        RAISE EXCEPTION 'django_ledger: entry % belongs to posted transaction %: {ENTRY_OF_POSTED}',
            OLD.id, OLD.transaction_id USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END
""",
    "mysql": f"""
DECLARE txn_posted_at DATETIME(6);
SELECT MAX(posted_at) INTO txn_posted_at FROM {TRANSACTION} WHERE id = OLD.transaction_id LOCK IN SHARE MODE;
IF txn_posted_at IS NOT NULL THEN
    {mysql_refusal(f"django_ledger: the entry belongs to a posted transaction: {ENTRY_OF_POSTED}")}
END IF;
""",
}

# -- Account -------------------------------------------------------------------------------------

ACCOUNT_TYPE_CHANGED = {
    "sqlite": "NEW.account_type IS NOT OLD.account_type",
    "postgresql": "NEW.account_type IS DISTINCT FROM OLD.account_type",
    "mysql": "NOT (CAST(NEW.account_type AS BINARY) <=> CAST(OLD.account_type AS BINARY))",
}

ACCOUNT_TYPE_FIXED_ONCE_USED = {
    "sqlite": f"""
SELECT RAISE(ABORT, 'django_ledger: the account {ACCOUNT_TYPE_IS_FIXED}')
    WHERE EXISTS (SELECT 1 FROM {ENTRY} WHERE account_id = OLD.id);
""",
    "postgresql": f"""
IF EXISTS (SELECT 1 FROM {ENTRY} WHERE account_id = OLD.id) THEN
    RAISE EXCEPTION 'django_ledger: account % {ACCOUNT_TYPE_IS_FIXED}', OLD.code USING ERRCODE = 'restrict_violation';
END IF;
RETURN NEW;
""",
    # A locking read of one entry: one committed since this transaction's snapshot counts too.
    "mysql": f"""
IF EXISTS (
    SELECT 1 FROM (SELECT 1 FROM {ENTRY} WHERE account_id = OLD.id LIMIT 1 LOCK IN SHARE MODE) AS used
) THEN
    {mysql_refusal(f"django_ledger: the account {ACCOUNT_TYPE_IS_FIXED}")}
END IF;
""",
}

# The update that would reopen a period: closed_through moving back, or to NULL.
CLOSED_THROUGH_MOVED_BACK = (
    "OLD.closed_through IS NOT NULL AND (NEW.closed_through IS NULL OR NEW.closed_through < OLD.closed_through)"
)

# -- ClosingBalance ------------------------------------------------------------------------------

# A closing row (NEW) holds when its account is closed through it (read with a share lock: the close's
# UPDATE is committed, so every entry of the period is), and its debits and credits are those of the
# previous closing (the latest before it) plus the posted entries of (previous, closed_through], each
# recorded no later than NEW.recorded_at, as the previous closing was: reads trust the row from then on.
CLOSING_MATCHES = {
    "sqlite": f"""
SELECT RAISE(ABORT, '{CLOSING_OF_A_CLOSED_PERIOD}')
    WHERE NEW.closed_through > COALESCE((SELECT closed_through FROM {ACCOUNT} WHERE id = NEW.account_id), '');
SELECT RAISE(ABORT, '{CLOSING_MATCHES_ENTRIES}')
    WHERE EXISTS (
        SELECT 1 FROM (
            SELECT
                COALESCE(previous.debit_units, 0) + COALESCE(SUM(
                    CASE WHEN e.entry_type = 'debit' THEN CAST(ROUND(e.amount * 10000) AS INTEGER) ELSE 0 END
                ), 0) AS debit_units,
                COALESCE(previous.credit_units, 0) + COALESCE(SUM(
                    CASE WHEN e.entry_type = 'credit' THEN CAST(ROUND(e.amount * 10000) AS INTEGER) ELSE 0 END
                ), 0) AS credit_units,
                MAX(e.recorded_at) AS last_recorded_at,
                previous.recorded_at AS previous_recorded_at
            FROM (SELECT 1) AS one
            LEFT JOIN (
                SELECT closed_through, recorded_at, CAST(ROUND(debits * 10000) AS INTEGER) AS debit_units,
                       CAST(ROUND(credits * 10000) AS INTEGER) AS credit_units
                FROM {CLOSING} WHERE account_id = NEW.account_id AND closed_through < NEW.closed_through
                ORDER BY closed_through DESC LIMIT 1
            ) AS previous ON 1 = 1
            LEFT JOIN {ENTRY} e ON e.account_id = NEW.account_id AND e.recorded_at IS NOT NULL
                AND e.effective_at <= NEW.closed_through AND e.effective_at > COALESCE(previous.closed_through, '')
        ) AS expected
        WHERE expected.debit_units <> CAST(ROUND(NEW.debits * 10000) AS INTEGER)
           OR expected.credit_units <> CAST(ROUND(NEW.credits * 10000) AS INTEGER)
           OR expected.last_recorded_at > NEW.recorded_at
           OR expected.previous_recorded_at > NEW.recorded_at
    );
""",
    "postgresql": f"""
DECLARE
    account_closed_through timestamptz;
    previous record;
    period record;
BEGIN
    SELECT closed_through INTO account_closed_through FROM {ACCOUNT} WHERE id = NEW.account_id FOR SHARE;
    IF account_closed_through IS NULL OR NEW.closed_through > account_closed_through THEN
        RAISE EXCEPTION '{CLOSING_OF_A_CLOSED_PERIOD}' USING ERRCODE = 'check_violation';
    END IF;
    SELECT closed_through, recorded_at, debits, credits INTO previous FROM {CLOSING}
        WHERE account_id = NEW.account_id AND closed_through < NEW.closed_through
        ORDER BY closed_through DESC LIMIT 1;
    SELECT COALESCE(sum(CASE WHEN entry_type = 'debit' THEN amount ELSE 0 END), 0) AS debits,
           COALESCE(sum(CASE WHEN entry_type = 'credit' THEN amount ELSE 0 END), 0) AS credits,
           max(recorded_at) AS last_recorded_at
        INTO period FROM {ENTRY}
        WHERE account_id = NEW.account_id AND recorded_at IS NOT NULL AND effective_at <= NEW.closed_through
          AND effective_at > COALESCE(previous.closed_through, '-infinity'::timestamptz);
    IF NEW.debits <> COALESCE(previous.debits, 0) + period.debits
       OR NEW.credits <> COALESCE(previous.credits, 0) + period.credits
       OR period.last_recorded_at > NEW.recorded_at OR previous.recorded_at > NEW.recorded_at THEN
        RAISE EXCEPTION '{CLOSING_MATCHES_ENTRIES}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
""",
    # Locking reads throughout: the latest committed rows, whatever the client's isolation level.
    "mysql": f"""
DECLARE account_closed_through DATETIME(6);
DECLARE previous_closed_through DATETIME(6);
DECLARE previous_recorded_at DATETIME(6);
DECLARE previous_debits DECIMAL(38, 4);
DECLARE previous_credits DECIMAL(38, 4);
DECLARE period_debits DECIMAL(38, 4);
DECLARE period_credits DECIMAL(38, 4);
DECLARE last_recorded_at DATETIME(6);
SELECT MAX(closed_through) INTO account_closed_through FROM {ACCOUNT} WHERE id = NEW.account_id LOCK IN SHARE MODE;
IF account_closed_through IS NULL OR NEW.closed_through > account_closed_through THEN
    {mysql_refusal(CLOSING_OF_A_CLOSED_PERIOD)}
END IF;
SELECT MAX(closed_through) INTO previous_closed_through FROM {CLOSING}
    WHERE account_id = NEW.account_id AND closed_through < NEW.closed_through LOCK IN SHARE MODE;
SELECT COALESCE(MAX(debits), 0), COALESCE(MAX(credits), 0), MAX(recorded_at)
    INTO previous_debits, previous_credits, previous_recorded_at FROM {CLOSING}
    WHERE account_id = NEW.account_id AND closed_through = previous_closed_through LOCK IN SHARE MODE;
SELECT COALESCE(SUM(CASE WHEN entry_type = 'debit' THEN amount ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN entry_type = 'credit' THEN amount ELSE 0 END), 0), MAX(recorded_at)
    INTO period_debits, period_credits, last_recorded_at FROM {ENTRY}
    WHERE account_id = NEW.account_id AND recorded_at IS NOT NULL AND effective_at <= NEW.closed_through
      AND effective_at > COALESCE(previous_closed_through, CAST('0001-01-01' AS DATETIME(6))) LOCK IN SHARE MODE;
IF NEW.debits <> previous_debits + period_debits OR NEW.credits <> previous_credits + period_credits
   OR last_recorded_at > NEW.recorded_at OR previous_recorded_at > NEW.recorded_at THEN
    {mysql_refusal(CLOSING_MATCHES_ENTRIES)}
END IF;
""",
}
