import doctest
from pathlib import Path

import pytest

from tests.testapp.models import Customer, Invoice, Ticket

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.django_db
def test_readme_examples_run_as_documented():
    # The README's models are those of tests/testapp, so its examples run against real tables.
    result = doctest.testfile(
        str(README),
        module_relative=False,
        globs={"Customer": Customer, "Invoice": Invoice, "Ticket": Ticket},
        optionflags=doctest.ELLIPSIS,
    )
    assert result.attempted >= 30
    assert result.failed == 0
