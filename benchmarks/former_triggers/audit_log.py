"""The audit log's former triggers (its module triggers.py), SQL only.

Copied from the package as it was before its guarantees were declared in ``Meta.guarantees`` (commit
03b5c60), so that ``bench_guarantees`` can measure the declared triggers beside the former ones in one run.
Not used by any package.
"""

TABLE = "django_audit_log_auditlog"
SQLITE_TRIGGERS = ("django_audit_log_no_update", "django_audit_log_no_delete")
POSTGRES_TRIGGER = "django_audit_log_append_only"
POSTGRES_FUNCTION = "django_audit_log_refuse_change"
MESSAGE = "django_audit_log: audit entries are append-only"

_SQLITE_INSTALL = [
    f'CREATE TRIGGER IF NOT EXISTS "{SQLITE_TRIGGERS[0]}" BEFORE UPDATE ON "{TABLE}" '
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}; UPDATE refused'); END",
    f'CREATE TRIGGER IF NOT EXISTS "{SQLITE_TRIGGERS[1]}" BEFORE DELETE ON "{TABLE}" '
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}; DELETE refused'); END",
]
_SQLITE_DROP = [f'DROP TRIGGER IF EXISTS "{name}"' for name in SQLITE_TRIGGERS]

# restrict_violation (SQLSTATE 23001) makes Django raise IntegrityError, as SQLite's RAISE(ABORT) does.
_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = '{MESSAGE}; ' || TG_OP || ' refused', ERRCODE = 'restrict_violation';
END
$$""",
    f'DROP TRIGGER IF EXISTS {POSTGRES_TRIGGER} ON "{TABLE}"',
    f'CREATE TRIGGER {POSTGRES_TRIGGER} BEFORE UPDATE OR DELETE ON "{TABLE}" '
    f"FOR EACH ROW EXECUTE FUNCTION {POSTGRES_FUNCTION}()",
]
_POSTGRES_DROP = [
    f'DROP TRIGGER IF EXISTS {POSTGRES_TRIGGER} ON "{TABLE}"',
    f"DROP FUNCTION IF EXISTS {POSTGRES_FUNCTION}()",
]

CREATE = {"postgresql": _POSTGRES_INSTALL, "sqlite": _SQLITE_INSTALL}
