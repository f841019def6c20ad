"""The test settings without CATALOG_ENCOUNTER_MODEL, as a project that forgot it (test_configuration.py)."""

from tests.settings import *  # noqa: F403

del CATALOG_ENCOUNTER_MODEL  # noqa: F821
