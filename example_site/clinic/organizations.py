"""Which organization a request is for: the site serves one clinic, named in ``ClinicSettings``.

``MODULES_ORG_RESOLVER`` points here, so django-modules' guards (``ModuleRequired``) switch the
clinic's modules (pharmacy, billing, ...) on and off. The packages' natural keys (account codes,
SKUs, location codes, role slugs, tag slugs, sequence scopes) are unique per organization
(``docs/architecture.md``, "Many organizations"): the database may hold other organizations' rows
under the same keys, so every list and lookup of the site goes through ``clinic_org`` /
``of_clinic``. A multi-clinic site would read the organization from the host name or the user instead.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from clinic.models import ClinicSettings
from django_basemodels.tenancy import org_key

_QuerySet = TypeVar("_QuerySet", bound=models.QuerySet[Any])


def clinic_of_request(request):
    return ClinicSettings.get_instance().organization


def clinic_org() -> models.Model | None:
    """The clinic's organization (a ``parties.Organization``), ``None`` before the demo data names one:
    then the site serves the rows of no organization."""
    return ClinicSettings.get_instance().organization


def of_clinic(queryset: _QuerySet, lookup: str = "org_key") -> _QuerySet:
    """The rows of ``queryset`` that belong to the clinic: ``lookup`` is the ``org_key`` column's path
    (``"account__org_key"`` for a fact filtered through the row it hangs off)."""
    return queryset.filter(**{lookup: org_key(clinic_org())})
