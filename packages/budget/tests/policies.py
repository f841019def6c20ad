"""Spending policies and obligations hooks the tests point the settings at."""

from django_budget.exceptions import SpendingRefused

calls: list[dict] = []
obligations: dict = {"covered": True, "calls": []}


def record_and_allow(**arguments):
    calls.append(arguments)


def refuse_everything(**arguments):
    raise SpendingRefused("No spending this month.", rule="spending_freeze")


def answer_false(**arguments):
    return False


def explode(**arguments):
    raise RuntimeError("policy bug")


NOT_CALLABLE = 42


def covered(*, budget, date):
    obligations["calls"].append((budget, date))
    return obligations["covered"]


def covered_says_maybe(*, budget, date):
    return "maybe"


def covered_fails(*, budget, date):
    raise ConnectionError("obligations service down")
