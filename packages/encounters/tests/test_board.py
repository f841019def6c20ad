"""Board reads: encounters by definition and state, open ones, with subjects, in constant queries."""

import pytest

from django_encounters import UnknownDefinitionError
from django_encounters.models import Encounter, EncounterDefinition
from django_encounters.selectors import encounter_board
from django_encounters.services import create_encounter, transition
from tests.conftest import REPAIR_JOB
from tests.testapp.models import Asset, Ticket

pytestmark = pytest.mark.django_db


def fill(definition, user, count):
    """``count`` encounters on assets and ``count`` on tickets: half moved to active, one cancelled."""
    encounters = []
    for index in range(count):
        for subject in (Asset.objects.create(name=f"a{index}"), Ticket.objects.create(title=f"t{index}")):
            encounter = create_encounter(definition, subject=subject, created_by=user)
            if index % 2:
                transition(encounter, "active", by_user=user)
            encounters.append(encounter)
    transition(encounters[0], "cancelled", by_user=user)
    return encounters


def read_board(key):
    board = encounter_board(key)
    return {
        state: [(encounter.subject.pk, encounter.definition.key, encounter.created_by.username) for encounter in column]
        for state, column in board.items()
    }


@pytest.mark.parametrize("count", [2, 8])
def test_the_board_reads_in_constant_queries_whatever_the_number_of_encounters(
    definition, user, count, django_assert_num_queries
):
    fill(definition, user, count)
    # definition by key, encounters joined with definition and creator, assets, tickets
    with django_assert_num_queries(4):
        board = read_board("repair_job")
    assert sum(len(column) for column in board.values()) == 2 * count - 1


def test_the_board_has_every_state_in_order_with_open_encounters_only(definition, user):
    encounters = fill(definition, user, 2)
    board = encounter_board(definition)
    assert list(board) == REPAIR_JOB["states"]
    assert [e.pk for e in board["pending"]] == [encounters[1].pk]
    assert [e.pk for e in board["active"]] == [encounters[2].pk, encounters[3].pk]
    assert board["cancelled"] == [] and board["completed"] == []


def test_the_board_can_include_ended_encounters(definition, user):
    encounters = fill(definition, user, 2)
    assert [e.pk for e in encounter_board(definition, include_ended=True)["cancelled"]] == [encounters[0].pk]


def test_the_board_of_an_unknown_key_raises(db):
    with pytest.raises(UnknownDefinitionError):
        encounter_board("nothing")


def test_querysets_filter_by_definition_state_and_openness(definition, user, asset):
    other = EncounterDefinition.objects.create(**{**REPAIR_JOB, "key": "inspection"})
    encounters = fill(definition, user, 2)
    elsewhere = create_encounter(other, subject=asset, created_by=None)
    assert set(Encounter.objects.for_definition("repair_job")) == set(encounters)
    assert list(Encounter.objects.for_definition(other)) == [elsewhere]
    assert set(Encounter.objects.for_definition(definition).in_state("active")) == set(encounters[2:])
    assert set(Encounter.objects.in_state("pending", "cancelled").ended()) == {encounters[0]}
    assert set(Encounter.objects.for_definition(definition).open()) == set(encounters[1:])
