import doctest
from pathlib import Path

import pytest

from tests.testapp.models import Customer, Organization

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.django_db
def test_readme_examples_run_as_documented(django_user_model):
    # The README's parties are instances of tests/testapp models: a UUID-pk customer, an integer-pk organisation.
    globs = {
        "customer": Customer.objects.create(name="Ada"),
        "acme": Organization.objects.create(name="Acme"),
        "alice": django_user_model.objects.create_user(username="alice"),
        "bob": django_user_model.objects.create_user(username="bob"),
    }
    result = doctest.testfile(str(README), module_relative=False, globs=globs, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 25
    assert result.failed == 0
