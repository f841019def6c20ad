# ruff: noqa: E501  (SQL copied verbatim)
"""The ledger's former triggers (its migration 0002_ledger_triggers), SQL only.

Copied from the package as it was before its guarantees were declared in ``Meta.guarantees`` (commit
03b5c60), so that ``bench_guarantees`` can measure the declared triggers beside the former ones in one run;
the posting's stamping also writes ``posted_units`` (the column the ledger's migration 0007 adds), so that
both sets write the same rows. Not used by any package.
"""

PG_CREATE = [
    """
    CREATE OR REPLACE FUNCTION django_ledger_transaction_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.posted_at IS NOT NULL THEN
                RAISE EXCEPTION 'django_ledger: a transaction is inserted as a draft, then posted by an update once its entries balance'
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END IF;
        IF OLD.posted_at IS NOT NULL THEN
            RAISE EXCEPTION 'django_ledger: transaction % is posted: it is never updated or deleted (reverse it)', OLD.id
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        IF NEW.posted_at IS NOT NULL THEN
            IF (SELECT count(*) FROM django_ledger_entry WHERE transaction_id = NEW.id) < 2 THEN
                RAISE EXCEPTION 'django_ledger: transaction % needs at least two entries to be posted', NEW.id
                    USING ERRCODE = 'check_violation';
            END IF;
            IF EXISTS (
                SELECT 1 FROM django_ledger_entry WHERE transaction_id = NEW.id GROUP BY currency
                HAVING sum(CASE WHEN entry_type = 'debit' THEN amount ELSE -amount END) <> 0
            ) THEN
                RAISE EXCEPTION 'django_ledger: transaction % does not balance: its debits differ from its credits', NEW.id
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER django_ledger_transaction_guard
    BEFORE INSERT OR UPDATE OR DELETE ON django_ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION django_ledger_transaction_guard();
    """,
    """
    CREATE OR REPLACE FUNCTION django_ledger_transaction_posted() RETURNS trigger AS $$
    BEGIN
        UPDATE django_ledger_entry SET recorded_at = NEW.posted_at, effective_at = NEW.effective_at,
            posted_units = CASE WHEN entry_type = 'debit' THEN 1 ELSE -1 END * (amount * 10000)::bigint
        WHERE transaction_id = NEW.id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER django_ledger_transaction_posted
    AFTER UPDATE ON django_ledger_transaction
    FOR EACH ROW WHEN (OLD.posted_at IS NULL AND NEW.posted_at IS NOT NULL)
    EXECUTE FUNCTION django_ledger_transaction_posted();
    """,
    """
    CREATE OR REPLACE FUNCTION django_ledger_entry_guard() RETURNS trigger AS $$
    DECLARE
        txn record;
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            -- FOR SHARE: a concurrent posting of this transaction waits for us, or we for it.
            SELECT posted_at, effective_at INTO txn FROM django_ledger_transaction
            WHERE id = OLD.transaction_id FOR SHARE;
            IF txn.posted_at IS NOT NULL THEN
                -- The one change allowed: the posting stamping its entries with the transaction's times.
                IF TG_OP = 'UPDATE' AND OLD.recorded_at IS NULL
                   AND NEW.recorded_at = txn.posted_at AND NEW.effective_at = txn.effective_at
                   AND (NEW.id, NEW.transaction_id, NEW.account_id, NEW.entry_type, NEW.amount, NEW.currency,
                        NEW.reverses_id, NEW.source_type_id, NEW.source_id)
                       IS NOT DISTINCT FROM
                       (OLD.id, OLD.transaction_id, OLD.account_id, OLD.entry_type, OLD.amount, OLD.currency,
                        OLD.reverses_id, OLD.source_type_id, OLD.source_id) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'django_ledger: entry % belongs to posted transaction %: it is never changed or deleted (reverse it)',
                    OLD.id, OLD.transaction_id USING ERRCODE = 'restrict_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
        END IF;
        SELECT posted_at INTO txn FROM django_ledger_transaction WHERE id = NEW.transaction_id FOR SHARE;
        IF txn.posted_at IS NOT NULL THEN
            RAISE EXCEPTION 'django_ledger: transaction % is posted: no entry can be added to it', NEW.transaction_id
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF NEW.recorded_at IS NOT NULL THEN
            RAISE EXCEPTION 'django_ledger: an entry is recorded when its transaction is posted: write it with recorded_at NULL'
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.currency IS DISTINCT FROM (SELECT currency FROM django_ledger_account WHERE id = NEW.account_id) THEN
            RAISE EXCEPTION 'django_ledger: the currency of an entry must be the currency of its account'
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.reverses_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM django_ledger_entry original
            WHERE original.id = NEW.reverses_id AND original.recorded_at IS NOT NULL
              AND original.account_id = NEW.account_id AND original.amount = NEW.amount
              AND original.currency = NEW.currency AND original.entry_type <> NEW.entry_type
        ) THEN
            RAISE EXCEPTION 'django_ledger: a reversing entry mirrors a posted entry: its account, amount and currency, the other side'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER django_ledger_entry_guard
    BEFORE INSERT OR UPDATE OR DELETE ON django_ledger_entry
    FOR EACH ROW EXECUTE FUNCTION django_ledger_entry_guard();
    """,
    """
    CREATE OR REPLACE FUNCTION django_ledger_account_guard() RETURNS trigger AS $$
    BEGIN
        IF NEW.currency IS DISTINCT FROM OLD.currency THEN
            RAISE EXCEPTION 'django_ledger: the currency of account % is fixed', OLD.code
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF NEW.account_type IS DISTINCT FROM OLD.account_type
           AND EXISTS (SELECT 1 FROM django_ledger_entry WHERE account_id = OLD.id) THEN
            RAISE EXCEPTION 'django_ledger: account % has entries: its type is fixed', OLD.code
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER django_ledger_account_guard
    BEFORE UPDATE ON django_ledger_account
    FOR EACH ROW EXECUTE FUNCTION django_ledger_account_guard();
    """,
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS django_ledger_account_guard ON django_ledger_account;",
    "DROP FUNCTION IF EXISTS django_ledger_account_guard();",
    "DROP TRIGGER IF EXISTS django_ledger_entry_guard ON django_ledger_entry;",
    "DROP FUNCTION IF EXISTS django_ledger_entry_guard();",
    "DROP TRIGGER IF EXISTS django_ledger_transaction_posted ON django_ledger_transaction;",
    "DROP FUNCTION IF EXISTS django_ledger_transaction_posted();",
    "DROP TRIGGER IF EXISTS django_ledger_transaction_guard ON django_ledger_transaction;",
    "DROP FUNCTION IF EXISTS django_ledger_transaction_guard();",
]

# SQLite keeps decimals as floating point: sum whole ten-thousandths so 0.1 + 0.2 - 0.3 is 0.
SQLITE_UNITS = "CAST(ROUND(amount * 10000) AS INTEGER)"
SQLITE_TXN_POSTED = "(SELECT posted_at FROM django_ledger_transaction WHERE id = {side}.transaction_id)"
SQLITE_OLD_TXN_POSTED = SQLITE_TXN_POSTED.format(side="OLD")
SQLITE_NEW_TXN_POSTED = SQLITE_TXN_POSTED.format(side="NEW")
SQLITE_NEW_ROW_CHECKS = f"""
    SELECT RAISE(ABORT, 'django_ledger: the transaction is posted: no entry can be added to it')
        WHERE {{draft}} AND {SQLITE_NEW_TXN_POSTED} IS NOT NULL;
    SELECT RAISE(ABORT, 'django_ledger: an entry is recorded when its transaction is posted: write it with recorded_at NULL')
        WHERE {{draft}} AND NEW.recorded_at IS NOT NULL;
    SELECT RAISE(ABORT, 'django_ledger: the currency of an entry must be the currency of its account')
        WHERE {{draft}} AND NEW.currency IS NOT (SELECT currency FROM django_ledger_account WHERE id = NEW.account_id);
    SELECT RAISE(ABORT, 'django_ledger: a reversing entry mirrors a posted entry: its account, amount and currency, the other side')
        WHERE {{draft}} AND NEW.reverses_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM django_ledger_entry original
            WHERE original.id = NEW.reverses_id AND original.recorded_at IS NOT NULL
              AND original.account_id = NEW.account_id AND original.amount = NEW.amount
              AND original.currency = NEW.currency AND original.entry_type <> NEW.entry_type
        );
"""
SQLITE_CREATE = [
    """
    CREATE TRIGGER django_ledger_transaction_insert BEFORE INSERT ON django_ledger_transaction
    WHEN NEW.posted_at IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'django_ledger: a transaction is inserted as a draft, then posted by an update once its entries balance');
    END;
    """,
    f"""
    CREATE TRIGGER django_ledger_transaction_update BEFORE UPDATE ON django_ledger_transaction
    BEGIN
        SELECT RAISE(ABORT, 'django_ledger: the transaction is posted: it is never updated or deleted (reverse it)')
            WHERE OLD.posted_at IS NOT NULL;
        SELECT RAISE(ABORT, 'django_ledger: the transaction needs at least two entries to be posted')
            WHERE NEW.posted_at IS NOT NULL
              AND (SELECT count(*) FROM django_ledger_entry WHERE transaction_id = NEW.id) < 2;
        SELECT RAISE(ABORT, 'django_ledger: the transaction does not balance: its debits differ from its credits')
            WHERE NEW.posted_at IS NOT NULL AND EXISTS (
                SELECT 1 FROM django_ledger_entry WHERE transaction_id = NEW.id GROUP BY currency
                HAVING sum(CASE WHEN entry_type = 'debit' THEN {SQLITE_UNITS} ELSE -{SQLITE_UNITS} END) <> 0
            );
    END;
    """,
    """
    CREATE TRIGGER django_ledger_transaction_delete BEFORE DELETE ON django_ledger_transaction
    WHEN OLD.posted_at IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'django_ledger: the transaction is posted: it is never updated or deleted (reverse it)');
    END;
    """,
    """
    CREATE TRIGGER django_ledger_transaction_posted AFTER UPDATE ON django_ledger_transaction
    WHEN OLD.posted_at IS NULL AND NEW.posted_at IS NOT NULL
    BEGIN
        UPDATE django_ledger_entry SET recorded_at = NEW.posted_at, effective_at = NEW.effective_at,
            posted_units = CASE WHEN entry_type = 'debit' THEN 1 ELSE -1 END * CAST(ROUND(amount * 10000) AS INTEGER)
        WHERE transaction_id = NEW.id;
    END;
    """,
    f"""
    CREATE TRIGGER django_ledger_entry_insert BEFORE INSERT ON django_ledger_entry
    BEGIN
        {SQLITE_NEW_ROW_CHECKS.format(draft="1")}
    END;
    """,
    f"""
    CREATE TRIGGER django_ledger_entry_update BEFORE UPDATE ON django_ledger_entry
    BEGIN
        SELECT RAISE(ABORT, 'django_ledger: the entry belongs to a posted transaction: it is never changed or deleted (reverse it)')
            WHERE {SQLITE_OLD_TXN_POSTED} IS NOT NULL AND NOT (
                OLD.recorded_at IS NULL
                AND NEW.recorded_at IS {SQLITE_OLD_TXN_POSTED}
                AND NEW.effective_at IS (SELECT effective_at FROM django_ledger_transaction WHERE id = OLD.transaction_id)
                AND NEW.id IS OLD.id AND NEW.transaction_id IS OLD.transaction_id AND NEW.account_id IS OLD.account_id
                AND NEW.entry_type IS OLD.entry_type AND NEW.amount IS OLD.amount AND NEW.currency IS OLD.currency
                AND NEW.reverses_id IS OLD.reverses_id AND NEW.source_type_id IS OLD.source_type_id
                AND NEW.source_id IS OLD.source_id
            );
        {SQLITE_NEW_ROW_CHECKS.format(draft=SQLITE_OLD_TXN_POSTED + " IS NULL")}
    END;
    """,
    f"""
    CREATE TRIGGER django_ledger_entry_delete BEFORE DELETE ON django_ledger_entry
    WHEN {SQLITE_OLD_TXN_POSTED} IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'django_ledger: the entry belongs to a posted transaction: it is never changed or deleted (reverse it)');
    END;
    """,
    """
    CREATE TRIGGER django_ledger_account_update BEFORE UPDATE ON django_ledger_account
    BEGIN
        SELECT RAISE(ABORT, 'django_ledger: the currency of an account is fixed')
            WHERE NEW.currency IS NOT OLD.currency;
        SELECT RAISE(ABORT, 'django_ledger: the account has entries: its type is fixed')
            WHERE NEW.account_type IS NOT OLD.account_type
              AND EXISTS (SELECT 1 FROM django_ledger_entry WHERE account_id = OLD.id);
    END;
    """,
]
SQLITE_TRIGGERS = [
    "django_ledger_transaction_insert",
    "django_ledger_transaction_update",
    "django_ledger_transaction_delete",
    "django_ledger_transaction_posted",
    "django_ledger_entry_insert",
    "django_ledger_entry_update",
    "django_ledger_entry_delete",
    "django_ledger_account_update",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_TRIGGERS]

CREATE = {"postgresql": PG_CREATE, "sqlite": SQLITE_CREATE}
