"""Recall to the recipient: every reference that received units of a lot, through transfers, net of returns and
reversals, with the location the units left from."""

import pytest

from django_basemodels.tenancy import ANY_ORG
from django_stock import LotRecipient, lot_recipients
from django_stock.models import Location, Lot, StockItem
from django_stock.services import issue, receive, return_stock, reverse_movement, transfer
from tests.testapp.models import DeliveryNote, Sale

pytestmark = pytest.mark.django_db


def sale(number):
    return Sale.objects.create(number=number)


def summary(recipients):
    return [(r.reference, r.location.code, r.issued, r.returned, r.quantity) for r in recipients]


@pytest.fixture
def chain(make_location, lot):
    """The lot received at a warehouse, then transferred on: WH -> PH-A -> PH-B (two hops)."""
    warehouse, first, second = make_location("WH"), make_location("PH-A"), make_location("PH-B")
    receive(location=warehouse, lot=lot, quantity=100, reference=DeliveryNote.objects.create(number="import-1"))
    transfer(from_location=warehouse, to_location=first, lot=lot, quantity=60)
    transfer(from_location=first, to_location=second, lot=lot, quantity=20)
    return warehouse, first, second


def test_recipients_are_found_at_every_location_the_lot_was_transferred_to(chain, lot):
    warehouse, first, second = chain
    clinic, visit_a, visit_b = sale("clinic-order"), sale("visit-a"), sale("visit-b")
    issue(location=warehouse, lot=lot, quantity=10, reference=clinic)
    issue(location=first, lot=lot, quantity=4, reference=visit_a)
    issue(location=second, lot=lot, quantity=3, reference=visit_b)

    recipients = lot_recipients(lot)

    assert summary(recipients) == [
        (visit_a, "PH-A", 4, 0, 4),
        (visit_b, "PH-B", 3, 0, 3),
        (clinic, "WH", 10, 0, 10),
    ]
    assert all(isinstance(r, LotRecipient) for r in recipients)
    # The receipt (a delivery note) and the transfers are no recipients.
    assert DeliveryNote.objects.get() not in {r.reference for r in recipients}


def test_partial_returns_are_netted_and_a_full_return_stays_with_nothing_held(chain, lot):
    _, first, second = chain
    visit_a, visit_b = sale("visit-a"), sale("visit-b")
    issue(location=first, lot=lot, quantity=5, reference=visit_a)
    return_stock(location=first, lot=lot, quantity=2, reference=visit_a)
    issue(location=second, lot=lot, quantity=3, reference=visit_b)
    return_stock(location=second, lot=lot, quantity=3, reference=visit_b)

    assert summary(lot_recipients(lot)) == [(visit_a, "PH-A", 5, 2, 3), (visit_b, "PH-B", 3, 3, 0)]


def test_reversed_issues_and_reversed_returns_are_netted(chain, lot, manager):
    _, first, second = chain
    mistaken, visit = sale("wrong-patient"), sale("visit")
    [wrong] = issue(location=first, lot=lot, quantity=4, reference=mistaken)
    reverse_movement(wrong, reason="wrong patient", by=manager)
    issue(location=second, lot=lot, quantity=5, reference=visit)
    issue(location=second, lot=lot, quantity=1, reference=visit)
    returned = return_stock(location=second, lot=lot, quantity=2, reference=visit)
    reverse_movement(returned, reason="the return was never made", by=manager)
    return_stock(location=second, lot=lot, quantity=1, reference=visit)

    # The wrong patient received nothing once the issue was reversed: left out.
    assert summary(lot_recipients(lot)) == [(visit, "PH-B", 6, 1, 5)]


def test_a_reference_served_from_two_locations_has_a_line_for_each(chain, lot):
    _, first, second = chain
    visit = sale("visit")
    issue(location=second, lot=lot, quantity=1, reference=visit)
    issue(location=first, lot=lot, quantity=2, reference=visit)
    assert summary(lot_recipients(lot)) == [(visit, "PH-A", 2, 0, 2), (visit, "PH-B", 1, 0, 1)]


def test_issues_without_a_reference_are_listed_as_units_without_a_recorded_recipient(chain, lot):
    _, first, _ = chain
    issue(location=first, lot=lot, quantity=2)
    [anonymous] = lot_recipients(lot)
    assert (anonymous.reference_type, anonymous.reference_id, anonymous.reference) == (None, "", None)
    assert (anonymous.location, anonymous.quantity) == (first, 2)


def test_a_return_slip_at_a_location_that_issued_the_reference_nothing_is_not_a_recipient(chain, lot):
    _, first, second = chain
    visit = sale("visit")
    issue(location=first, lot=lot, quantity=3, reference=visit)
    return_stock(location=second, lot=lot, quantity=1, reference=visit)
    assert summary(lot_recipients(lot)) == [(visit, "PH-A", 3, 0, 3)]


def test_only_the_lots_own_units_are_listed_after_a_fefo_issue_across_lots(store, item, make_lot):
    early, late = make_lot(expires_in=10), make_lot(expires_in=100)
    receive(location=store, lot=early, quantity=2)
    receive(location=store, lot=late, quantity=5)
    visit = sale("visit")
    issue(location=store, item=item, quantity=4, reference=visit)

    assert summary(lot_recipients(early)) == [(visit, "STORE", 2, 0, 2)]
    assert summary(lot_recipients(late.pk)) == [(visit, "STORE", 2, 0, 2)]


def test_references_with_integer_keys_and_their_times(chain, lot):
    _, first, _ = chain
    note = DeliveryNote.objects.create(number="dispense-7")
    [first_issue] = issue(location=first, lot=lot, quantity=1, reference=note)
    [last_issue] = issue(location=first, lot=lot, quantity=1, reference=note)

    [recipient] = lot_recipients(lot)
    assert (recipient.reference, recipient.reference_id, recipient.quantity) == (note, str(note.pk), 2)
    assert recipient.reference_type.model_class() is DeliveryNote
    assert (recipient.first_issued_at, recipient.last_issued_at) == (first_issue.effective_at, last_issue.effective_at)


def test_a_deleted_reference_reads_as_none(chain, lot):
    from django.contrib.auth.models import Group  # no GenericRelation: deleting it leaves the movements alone

    _, first, _ = chain
    gone = Group.objects.create(name="a visit since deleted")
    issue(location=first, lot=lot, quantity=1, reference=gone)
    gone_key = str(gone.pk)
    gone.delete()
    [recipient] = lot_recipients(lot)
    assert (recipient.reference_id, recipient.reference, recipient.quantity) == (gone_key, None, 1)


def test_recipients_cost_two_queries_whatever_the_number_of_movements(chain, lot, django_assert_num_queries):
    warehouse, first, second = chain
    for n in range(10):
        issue(location=(warehouse, first, second)[n % 3], lot=lot, quantity=1, reference=sale(f"visit-{n}"))
    with django_assert_num_queries(2):
        recipients = lot_recipients(lot)
        assert sum(r.quantity for r in recipients) == 10
        assert {r.reference_type.model for r in recipients} == {"sale"}  # content types come from their cache
    never_moved = Lot.objects.create(item=lot.item, lot_number="NEVER-MOVED")
    with django_assert_num_queries(1):
        assert lot_recipients(never_moved) == []


def test_recipients_are_read_within_the_organization():
    item = StockItem.objects.create(org="org-a", sku="AMOX-500", name="Amoxicillin")
    lot = Lot.objects.create(item=item, lot_number="L-1")
    shelf = Location.objects.create(org="org-a", code="PHARM", name="Pharmacy")
    receive(location=shelf, lot=lot, quantity=3)
    visit = sale("visit")
    issue(location=shelf, lot=lot, quantity=1, reference=visit)

    assert summary(lot_recipients(lot, org="org-a")) == [(visit, "PHARM", 1, 0, 1)]
    assert summary(lot_recipients(lot, org=ANY_ORG)) == summary(lot_recipients(lot))
    assert lot_recipients(lot, org="org-b") == []
    assert lot_recipients(lot, org=None) == []
