"""The README's examples run as written (``django_basemodels.testing.run_readme_examples``), section by section."""

from pathlib import Path

import pytest

from django_basemodels.testing import run_readme_examples
from tests.testapp.models import Company, Person, Sale

README = Path(__file__).resolve().parent.parent / "README.md"
pytestmark = pytest.mark.django_db


@pytest.fixture
def names(db):
    people = {name.lower(): Person.objects.create(name=name) for name in ("Alice", "Bob", "Carol", "Patient")}
    companies = {name.lower(): Company.objects.create(name=name) for name in ("Clinic", "Wholesaler", "Pharmacy")}
    return {
        **people,
        **companies,
        "household": Person.objects.create(name="Household"),
        "landlord": Person.objects.create(name="Landlord"),
        "sale": Sale.objects.create(number="S-1"),
    }


@pytest.mark.parametrize(
    ("section", "examples"),
    [
        ("A sale paid in several payments", 15),
        ("Debts within a group", 12),
        ("Credit limits", 9),
        ("The budget's obligations hook", 5),
        ("Time: effective_at, recorded_at, as_of, known_at", 6),
    ],
)
def test_a_readme_section_runs_as_written(names, section, examples):
    result = run_readme_examples(README, section, names)

    assert result.failed == 0
    assert result.attempted >= examples
