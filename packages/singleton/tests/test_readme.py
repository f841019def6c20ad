import doctest
from pathlib import Path

import pytest

from tests.testapp.models import StoreSettings

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.django_db
def test_readme_examples_run_as_documented():
    # The README's StoreSettings is the one of tests/testapp, so its examples run against a real table.
    result = doctest.testfile(
        str(README), module_relative=False, globs={"StoreSettings": StoreSettings}, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted >= 20
    assert result.failed == 0
