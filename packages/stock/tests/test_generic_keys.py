"""Location owners and movement references are generic keys: UUID and integer targets, both databases."""

import pytest

from django_basemodels.generic import generic_key_values
from django_stock.models import Location, StockMovement
from django_stock.services import issue, receive
from tests.testapp.models import Clinic, DeliveryNote, Pharmacy, Sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned():
    pharmacy, clinic = Pharmacy.objects.create(name="Central"), Clinic.objects.create(name="North")
    by_pharmacy = Location.objects.create(code="P-SHELF", name="Shelf", owner=pharmacy)
    by_clinic = Location.objects.create(code="C-ROOM", name="Room", **generic_key_values("owner", clinic))
    unowned = Location.objects.create(code="FREE", name="Free")
    return pharmacy, clinic, by_pharmacy, by_clinic, unowned


def test_location_owner_reads_back_for_uuid_and_integer_owners(owned):
    pharmacy, clinic, by_pharmacy, by_clinic, unowned = owned
    assert Location.objects.get(pk=by_pharmacy.pk).owner == pharmacy
    assert Location.objects.get(pk=by_clinic.pk).owner == clinic
    assert Location.objects.get(pk=unowned.pk).owner is None
    assert by_pharmacy.owner_id == pharmacy.pk.hex and by_clinic.owner_id == str(clinic.pk)


def test_owners_find_their_locations_by_reverse_join_and_related_manager(owned):
    pharmacy, clinic, by_pharmacy, by_clinic, _ = owned
    assert list(Pharmacy.objects.filter(locations__code="P-SHELF")) == [pharmacy]
    assert list(Clinic.objects.filter(locations__code="C-ROOM")) == [clinic]
    assert list(pharmacy.locations.all()) == [by_pharmacy]
    assert list(clinic.locations.all()) == [by_clinic]


def test_owners_and_locations_prefetch_both_ways(owned, django_assert_num_queries):
    pharmacy, clinic, by_pharmacy, by_clinic, _ = owned
    with django_assert_num_queries(3):  # locations, then one query per owner model
        owners = {loc.code: loc.owner for loc in Location.objects.prefetch_related("owner")}
    assert owners == {"P-SHELF": pharmacy, "C-ROOM": clinic, "FREE": None}
    with django_assert_num_queries(2):
        assert [list(p.locations.all()) for p in Pharmacy.objects.prefetch_related("locations")] == [[by_pharmacy]]
    with django_assert_num_queries(2):
        assert [list(c.locations.all()) for c in Clinic.objects.prefetch_related("locations")] == [[by_clinic]]


def test_movement_references_work_for_uuid_and_integer_targets(store, lot, django_assert_num_queries):
    sale, note = Sale.objects.create(number="S-1"), DeliveryNote.objects.create(number="DN-1")
    received = receive(location=store, lot=lot, quantity=5, reference=note)
    [sold] = issue(location=store, lot=lot, quantity=2, reference=sale)

    assert list(Sale.objects.filter(movements__movement_type="issue")) == [sale]
    assert list(DeliveryNote.objects.filter(movements__movement_type="receive")) == [note]
    assert list(sale.movements.all()) == [sold]
    assert list(note.movements.all()) == [received]
    assert list(StockMovement.objects.for_reference(sale)) == [sold]
    with django_assert_num_queries(3):
        references = {m.movement_type: m.reference for m in StockMovement.objects.prefetch_related("reference")}
    assert references == {"receive": note, "issue": sale}
    with django_assert_num_queries(2):
        assert [list(s.movements.all()) for s in Sale.objects.prefetch_related("movements")] == [[sold]]
