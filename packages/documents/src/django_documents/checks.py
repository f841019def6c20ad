"""System checks for django-documents settings."""

from __future__ import annotations

from typing import Any

from django.core import checks

from django_documents import conf


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems = [
        ("django_documents.E001", conf.storage_alias_problem(conf.raw_storage_alias()), "Name a key of STORAGES."),
        (
            "django_documents.E002",
            conf.max_file_size_problem(conf.raw_max_file_size()),
            f"The default is {conf.DEFAULT_MAX_FILE_SIZE} (50 MiB).",
        ),
        (
            "django_documents.E003",
            conf.allowed_content_types_problem(conf.raw_allowed_content_types()),
            'e.g. ["application/pdf", "image/*"]',
        ),
        (
            "django_documents.E004",
            conf.retention_policies_problem(conf.raw_retention_policies()),
            'e.g. {"invoice": timedelta(days=3650)}',
        ),
    ]
    return [checks.Error(message, hint=hint, id=check_id) for check_id, message, hint in problems if message]
