import importlib
import sys
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from django_decisioning import idempotent, testing
from django_decisioning.testing import assert_idempotent, assert_reversal_preserves_original
from tests.testapp.models import Payment, Receipt

pytestmark = pytest.mark.django_db


def test_testing_module_imports_without_pytest(monkeypatch):
    monkeypatch.setitem(sys.modules, "pytest", None)
    importlib.reload(testing)


@idempotent(scope="receipt", key_from=lambda number: number)
def issue(number):
    return Receipt.objects.create(number=number)


def test_retry_torture_test_passes_for_an_idempotent_surface():
    results = assert_idempotent(lambda: issue("A-1"), count=Receipt.objects.count)
    assert len(results) == 3
    assert Receipt.objects.count() == 1


def test_retry_torture_test_fails_for_a_surface_that_repeats_its_effect():
    with pytest.raises(AssertionError, match="3 identical calls made 3 effects"):
        assert_idempotent(lambda: Receipt.objects.create(number="A-1"), count=Receipt.objects.count)


def test_retry_torture_test_fails_when_repeats_return_another_result():
    answers = iter(["first", "second"])

    def call():
        Receipt.objects.get_or_create(number="A-1")
        return next(answers)

    with pytest.raises(AssertionError, match="call 2 returned 'second'"):
        assert_idempotent(call, count=Receipt.objects.count, times=2)


def test_retry_torture_test_needs_two_calls():
    with pytest.raises(AssertionError, match="at least two"):
        assert_idempotent(lambda: None, count=lambda: 0, times=1)


def reverse_payment(payment, *, authorized=True):
    if not authorized:
        raise PermissionDenied("only managers reverse payments")
    return Payment.objects.create(amount=-payment.amount, reverses=payment)


@pytest.fixture
def payment():
    return Payment.objects.create(amount=Decimal("10.00"))


def test_reversal_torture_test_passes_for_a_reversal_that_adds_a_new_fact(payment):
    reversal = assert_reversal_preserves_original(
        payment,
        lambda: reverse_payment(payment),
        unauthorized=lambda: reverse_payment(payment, authorized=False),
        refusal=PermissionDenied,
    )
    assert reversal.reverses == payment
    assert reversal.amount == Decimal("-10.00")


def test_reversal_torture_test_accepts_several_reversing_facts(payment):
    reversals = assert_reversal_preserves_original(
        payment, lambda: [reverse_payment(payment), Receipt.objects.create()]
    )
    assert len(reversals) == 2


def test_reversal_torture_test_fails_when_the_original_is_edited(payment):
    def edit():
        Payment.objects.filter(pk=payment.pk).update(amount=Decimal("0"))
        return Payment.objects.create(amount=Decimal("-10.00"))

    with pytest.raises(AssertionError, match="the original was edited"):
        assert_reversal_preserves_original(payment, edit)


def test_reversal_torture_test_fails_when_the_original_is_deleted(payment):
    def delete():
        Payment.objects.filter(pk=payment.pk).delete()
        return Payment.objects.create(amount=Decimal("-10.00"))

    with pytest.raises(AssertionError, match="the original was deleted"):
        assert_reversal_preserves_original(payment, delete)


def test_reversal_torture_test_fails_when_reverse_returns_the_original(payment):
    with pytest.raises(AssertionError, match="the original itself"):
        assert_reversal_preserves_original(payment, lambda: payment)


def test_reversal_torture_test_fails_when_reverse_returns_nothing(payment):
    with pytest.raises(AssertionError, match="no reversing fact"):
        assert_reversal_preserves_original(payment, list)


def test_reversal_torture_test_fails_when_reverse_returns_an_unsaved_fact(payment):
    with pytest.raises(AssertionError, match="not a saved fact"):
        assert_reversal_preserves_original(payment, lambda: Payment(amount=Decimal("-10.00"), id=None))


def test_reversal_torture_test_fails_when_the_reversal_is_not_in_the_database(payment):
    with pytest.raises(AssertionError, match="not in the database"):
        assert_reversal_preserves_original(payment, lambda: Payment(amount=Decimal("-10.00")))


def test_reversal_torture_test_fails_when_an_unauthorized_reversal_goes_through(payment):
    with pytest.raises(AssertionError, match="was not refused"):
        assert_reversal_preserves_original(
            payment,
            lambda: reverse_payment(payment),
            unauthorized=lambda: reverse_payment(payment),
            refusal=PermissionDenied,
        )


def test_reversal_torture_test_fails_when_a_refused_reversal_still_wrote(payment):
    def half_refused():
        Payment.objects.create(amount=Decimal("-10.00"))
        raise PermissionDenied

    with pytest.raises(AssertionError, match="still wrote rows"):
        assert_reversal_preserves_original(
            payment, lambda: reverse_payment(payment), unauthorized=half_refused, refusal=PermissionDenied
        )


def test_reversal_torture_test_needs_the_refusal_to_expect(payment):
    with pytest.raises(AssertionError, match="refusal="):
        assert_reversal_preserves_original(payment, lambda: reverse_payment(payment), unauthorized=lambda: None)
