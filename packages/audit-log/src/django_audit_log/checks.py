"""System checks for django-audit-log settings.

The database check that the audit table's append-only triggers are installed is django-basemodels'
``django_basemodels.E011`` (``AuditLog.Meta.guarantees``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import checks

from django_audit_log import conf
from django_basemodels.checks import limit_setting_errors

_HEADER = re.compile(r"[A-Za-z0-9-]+")


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    names = conf.redact_fields()
    if isinstance(names, str) or not isinstance(names, Iterable) or not all(isinstance(n, str) for n in names):
        messages.append(
            checks.Error(
                f"AUDIT_LOG_REDACT_FIELDS = {names!r} must be a list or tuple of field names.",
                hint='For example [*django_audit_log.conf.DEFAULT_REDACT_FIELDS, "iban"].',
                id="django_audit_log.E001",
            )
        )
    elif "password" not in {name.lower() for name in names}:
        messages.append(
            checks.Warning(
                "AUDIT_LOG_REDACT_FIELDS does not include 'password': password changes would be stored as they are.",
                hint="Start from django_audit_log.conf.DEFAULT_REDACT_FIELDS and add to it.",
                id="django_audit_log.W001",
            )
        )
    if not isinstance(conf.hash_chain_enabled(), bool):
        messages.append(checks.Error("AUDIT_LOG_HASH_CHAIN must be True or False.", id="django_audit_log.E002"))
    header = conf.request_id_header()
    if not isinstance(header, str) or not _HEADER.fullmatch(header):
        messages.append(
            checks.Error(
                f"AUDIT_LOG_REQUEST_ID_HEADER = {header!r} is not an HTTP header name.",
                hint='For example "X-Request-ID".',
                id="django_audit_log.E003",
            )
        )
    ip_header = conf.ip_header()
    if not isinstance(ip_header, str) or not (ip_header == "REMOTE_ADDR" or ip_header.startswith("HTTP_")):
        messages.append(
            checks.Error(
                f"AUDIT_LOG_IP_HEADER = {ip_header!r} must be 'REMOTE_ADDR' or a request.META key starting 'HTTP_'.",
                hint='For example "HTTP_X_FORWARDED_FOR" behind a proxy.',
                id="django_audit_log.E004",
            )
        )
    count = conf.proxy_count()
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        messages.append(
            checks.Error(f"AUDIT_LOG_PROXY_COUNT = {count!r} must be a positive integer.", id="django_audit_log.E005")
        )
    messages += limit_setting_errors(
        "AUDIT_LOG_MAX_JSON_BYTES",
        conf.max_json_bytes(),
        default=conf.DEFAULT_MAX_JSON_BYTES,
        id="django_audit_log.E006",
    )
    if not settings.USE_TZ:
        messages.append(
            checks.Warning(
                "USE_TZ is False: audit timestamps are naive and ambiguous across time zones.",
                id="django_audit_log.W002",
            )
        )
    return messages
