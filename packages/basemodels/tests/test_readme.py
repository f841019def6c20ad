"""The README's first example (the roadmap's BaseModel: UUID key, timestamps, soft delete, restore) runs."""

from pathlib import Path

import pytest

from django_basemodels.testing import run_readme_examples
from tests.testapp.models import Invoice

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.django_db(transaction=True)
def test_the_first_model_example_runs_as_documented():
    result = run_readme_examples(README, "A first model", {"Invoice": Invoice})
    assert result.attempted == 9
    assert result.failed == 0
