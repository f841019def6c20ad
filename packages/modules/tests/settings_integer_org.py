"""The same settings with an organization model keyed by an integer (run by test_integer_keyed_org.py)."""

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

MODULES_ORG_MODEL = "testapp.NumberedOrg"
if "TEST" in DATABASES["default"]:
    DATABASES["default"]["TEST"] = {"NAME": "test_django_modules_integer_org"}
