"""The test settings without TESTAPP_TEAM_MODEL, as a project that forgot it (test_swappable_foreign_key.py)."""

from tests.settings import *  # noqa: F403

del TESTAPP_TEAM_MODEL  # noqa: F821
