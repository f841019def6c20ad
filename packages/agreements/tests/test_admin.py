"""Admin: agreements and their versions can be browsed but not added, changed or deleted."""

import pytest

from django_agreements.models import AgreementVersion
from django_agreements.services import amend_agreement

pytestmark = pytest.mark.django_db

BASE = "/admin/django_agreements"


def test_agreements_and_versions_are_read_only_in_the_admin(admin_client, agreement, owner):
    amend_agreement(agreement, new_terms={"fee": "2"}, reason="Price increase", by=owner)
    version = AgreementVersion.objects.get(version=2)
    for name, row in (("agreement", agreement), ("agreementversion", version)):
        base = f"{BASE}/{name}/"
        assert admin_client.get(base).status_code == 200
        assert admin_client.get(f"{base}add/").status_code == 403
        change = admin_client.get(f"{base}{row.pk}/change/")
        assert change.status_code == 200 and b'name="_save"' not in change.content
        assert admin_client.get(f"{base}{row.pk}/delete/").status_code == 403


def test_the_agreement_page_shows_its_versions(admin_client, agreement, owner):
    amend_agreement(agreement, new_terms={"fee": "2"}, reason="Price increase", by=owner)
    content = admin_client.get(f"{BASE}/agreement/{agreement.pk}/change/").content.decode()
    assert "Price increase" in content and "amendment" in content and "original" in content


def test_the_version_list_can_be_searched_and_filtered(admin_client, agreement, owner):
    amend_agreement(agreement, new_terms={"fee": "2"}, reason="Price increase", by=owner)
    found = admin_client.get(f"{BASE}/agreementversion/", {"q": "Price", "kind__exact": "amendment"})
    assert found.status_code == 200 and found.context["cl"].result_count == 1
