import pytest
from django.core.management import CommandError, call_command

from django_stock.models import StockBalance
from django_stock.selectors import balance, balances_differing_from_movements
from django_stock.services import issue, rebuild_balances, receive, transfer
from tests.conftest import balance_guarantees_off

# Some tests drop triggers, which is DDL, which MariaDB/MySQL commit at once: these tests commit for real.
pytestmark = pytest.mark.usefixtures("committed_db")


@pytest.fixture
def stocked(store, pharmacy, lot):
    receive(location=store, lot=lot, quantity=10)
    issue(location=store, lot=lot, quantity=3)
    transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=2)


def test_verify_passes_when_balances_match_the_movements(stocked, capsys):
    call_command("stock_balances")
    assert "Every balance equals the sum of its movements" in capsys.readouterr().out


def test_verify_fails_on_a_drifted_row_and_names_it(stocked, store, lot, capsys):
    with balance_guarantees_off():
        StockBalance.objects.filter(location=store, lot=lot).update(quantity=99)
    with pytest.raises(CommandError, match="1 balance row"):
        call_command("stock_balances")
    assert f"location {store.pk} lot {lot.pk}: balance row 99, movements sum to 5" in capsys.readouterr().out


def test_verify_fails_on_a_missing_or_orphan_row(stocked, store, pharmacy, lot, make_location):
    orphan = make_location("ORPHAN")
    with balance_guarantees_off():
        StockBalance.objects.filter(location=pharmacy).delete()
        StockBalance.objects.create(location=orphan, lot=lot, quantity=4)
    assert sorted(balances_differing_from_movements()) == sorted(
        [(orphan.pk, lot.pk, 4, 0), (pharmacy.pk, lot.pk, 0, 2)]
    )


def test_a_zero_row_without_movements_is_not_a_difference(stocked, make_location, lot):
    StockBalance.objects.create(location=make_location(), lot=lot, quantity=0)
    assert balances_differing_from_movements() == []


def test_rebuild_rewrites_the_rows_from_the_movements_under_the_guarantees(
    stocked, store, pharmacy, lot, make_location, capsys
):
    orphan = make_location("ORPHAN")
    with balance_guarantees_off():
        StockBalance.objects.filter(location=store, lot=lot).update(quantity=99)
        StockBalance.objects.filter(location=pharmacy).delete()
        StockBalance.objects.create(location=orphan, lot=lot, quantity=4)
    call_command("stock_balances", "--rebuild")
    assert "3 balance row(s) rebuilt" in capsys.readouterr().out
    assert (balance(store, lot), balance(pharmacy, lot), balance(orphan, lot)) == (5, 2, 0)
    call_command("stock_balances")


def test_rebuild_returns_nothing_when_nothing_differs(stocked):
    assert rebuild_balances() == []
