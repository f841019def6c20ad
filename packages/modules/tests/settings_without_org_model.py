"""The test settings without MODULES_ORG_MODEL, as a project that forgot it (test_configuration.py)."""

from tests.settings import *  # noqa: F403

del MODULES_ORG_MODEL  # noqa: F821
