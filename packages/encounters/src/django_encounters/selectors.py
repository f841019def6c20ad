"""Board reads: the encounters of a definition grouped by state, in constant queries."""

from __future__ import annotations

from django_encounters.exceptions import UnknownDefinitionError
from django_encounters.models import Encounter, EncounterDefinition


def encounter_board(
    definition: str | EncounterDefinition, *, include_ended: bool = False
) -> dict[str, list[Encounter]]:
    """Encounters of ``definition`` (key or instance) by current state: ``{state: [encounter, ...]}``.

    Every state of the definition is a key, in the definition's order (empty lists included);
    open encounters only unless ``include_ended``. Each column is ordered by ``state_since``,
    oldest first. Subjects, definition and creator are loaded: the queries are one for the
    definition (when given by key), one for the encounters and one per subject model, whatever
    the number of encounters. Raises ``UnknownDefinitionError`` for an unknown key.
    """
    if isinstance(definition, str):
        found = EncounterDefinition.objects.filter(key=definition).first()
        if found is None:
            raise UnknownDefinitionError(definition)
        definition = found
    encounters = Encounter.objects.for_definition(definition).with_subjects().order_by("state_since", "id")
    if not include_ended:
        encounters = encounters.open()
    columns: dict[str, list[Encounter]] = {state: [] for state in definition.states}
    for encounter in encounters:
        columns.setdefault(encounter.state, []).append(encounter)
    return columns
