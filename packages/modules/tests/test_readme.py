"""The roadmap's example, as the README writes it ("Checking and enforcing"), runs as written."""

from pathlib import Path

import pytest

from django_basemodels.testing import run_readme_examples
from tests.testapp.models import Org

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.django_db
def test_checking_and_enforcing_runs_as_the_readme_shows_it():
    result = run_readme_examples(README, "Checking and enforcing", {"Organization": Org})
    assert result.attempted >= 10
    assert result.failed == 0
