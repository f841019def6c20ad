import doctest
from decimal import Decimal
from pathlib import Path

import pytest

from django_money import ExchangeRate, Money
from tests.testapp.models import Invoice

README = Path(__file__).resolve().parent.parent / "README.md"


def section(heading: str) -> str:
    return README.read_text().split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.django_db
def test_readme_examples_run_as_documented():
    # The README's Invoice model is the one of tests/testapp, so its examples run against a real table.
    result = doctest.testfile(
        str(README), module_relative=False, globs={"Invoice": Invoice}, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted > 50
    assert result.failed == 0
    assert ExchangeRate.objects.count() == 4  # the exchange-rate example recorded its rates


@pytest.mark.django_db
def test_the_exchange_rate_example_runs_on_its_own():
    text = section("Exchange rates and conversion")
    # The section builds on the README's first lines only for Money and Decimal.
    test = doctest.DocTestParser().get_doctest(text, {"Money": Money, "Decimal": Decimal}, "README", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted == 18
    assert result.failed == 0
