"""Metrics and logs of the site: the request id on every log line, the clinic's key operations as counters.

django-prometheus counts requests and their latency per view (``/metrics``); this module adds:

- ``clinic_ledger_postings_total{operation}``: ledger transactions posted (entries, reversals, invoices);
- ``clinic_stock_issues_total{operation}``: stock issues (the API's issue and transfer, dispensing);
- ``clinic_idempotent_replays_total{operation}``: API writes answered from a stored response;
- ``clinic_api_writes_total{operation}``: API writes that ran and committed;
- ``clinic_lock_wait_seconds{vendor}``: time in the statements that take locks (``SELECT ... FOR
  UPDATE`` on PostgreSQL and MariaDB, ``BEGIN IMMEDIATE`` on SQLite), waiting included.

Counters of writes move when the transaction commits (``transaction.on_commit``), so a write that
rolls back is not counted.
"""

from __future__ import annotations

import logging
import time

from django.db import connection, transaction
from prometheus_client import Counter, Histogram

from django_audit_log.context import current_context

LEDGER_POSTINGS = Counter("clinic_ledger_postings_total", "Ledger transactions posted.", ["operation"])
STOCK_ISSUES = Counter("clinic_stock_issues_total", "Stock issues (issue, transfer, dispense).", ["operation"])
IDEMPOTENT_REPLAYS = Counter(
    "clinic_idempotent_replays_total", "API writes answered from the response stored with their key.", ["operation"]
)
API_WRITES = Counter("clinic_api_writes_total", "API writes that ran and committed.", ["operation"])
LOCK_WAITS = Histogram(
    "clinic_lock_wait_seconds",
    "Time in statements that take row or database locks (SELECT ... FOR UPDATE, BEGIN IMMEDIATE).",
    ["vendor"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

#: Which API operations post to the ledger, and which issue stock.
POSTING_OPERATIONS = {"ledger.post_transaction", "ledger.reverse_transaction", "clinic.bill_visit"}
STOCK_ISSUE_OPERATIONS = {"stock.issue", "stock.transfer", "clinic.dispense"}


def count_write(operation: str) -> None:
    """Count an API write that ran, once its transaction commits."""

    def counted() -> None:
        API_WRITES.labels(operation).inc()
        if operation in POSTING_OPERATIONS:
            LEDGER_POSTINGS.labels(operation).inc()
        if operation in STOCK_ISSUE_OPERATIONS:
            STOCK_ISSUES.labels(operation).inc()

    transaction.on_commit(counted)


def count_replay(operation: str) -> None:
    IDEMPOTENT_REPLAYS.labels(operation).inc()


class RequestIdFilter(logging.Filter):
    """Puts the request id (``X-Request-ID``) on each record: the running request's, from the audit
    context, or that of the request a record is about (Django logs a refused request after the
    middleware has left)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_context()
        request_id = context.request_id if context is not None else ""
        if not request_id:
            request_id = getattr(getattr(record, "request", None), "request_id", "")
        record.request_id = request_id or "-"
        return True


def _takes_a_lock(sql: str) -> bool:
    return sql.startswith("BEGIN IMMEDIATE") or " FOR UPDATE" in sql  # as Django writes them


class LockWaitMiddleware:
    """Times the statements of each request that take locks (``clinic_lock_wait_seconds``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with connection.execute_wrapper(self._timed):
            return self.get_response(request)

    @staticmethod
    def _timed(execute, sql, params, many, context):
        if not isinstance(sql, str) or not _takes_a_lock(sql):
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            LOCK_WAITS.labels(context["connection"].vendor).observe(time.perf_counter() - started)
