"""The argument guards every package's services call, and renamed_keywords."""

import datetime as dt
import inspect
import subprocess
import sys
import warnings

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from django_basemodels.arguments import (
    is_saved,
    renamed_keywords,
    require_aware,
    require_idempotency_key,
    require_saved,
    require_user,
)
from django_basemodels.exports import lazy_exports
from tests.testapp.models import Event


class PackageError(Exception):
    pass


@pytest.mark.django_db
def test_require_saved_accepts_a_saved_instance_and_names_the_argument_otherwise():
    event = Event.objects.create()
    assert require_saved(event, name="event", error=PackageError) is event
    assert is_saved(event) and not is_saved(Event()) and not is_saved("event")
    with pytest.raises(PackageError, match=r"^event must be a saved model instance, not <Event"):
        require_saved(Event(), name="event", error=PackageError)
    with pytest.raises(PackageError, match="event must be a saved Group, not"):
        require_saved(event, name="event", error=PackageError, model=Group)
    with pytest.raises(PackageError, match="saved Group or Event or None"):
        require_saved(3, name="event", error=PackageError, model=(Group, Event), allow_none=True)
    with pytest.raises(PackageError, match="not None"):
        require_saved(None, name="event", error=PackageError)
    assert require_saved(None, name="event", error=PackageError, allow_none=True) is None


@pytest.mark.django_db
def test_require_user_wants_a_saved_user_and_lets_the_system_act_by_default():
    user = get_user_model().objects.create(username="clerk")
    assert require_user(user, error=PackageError) is user
    assert require_user(None, error=PackageError) is None
    with pytest.raises(PackageError, match=r"^by must be a saved User or None, not"):
        require_user(get_user_model()(username="ghost"), error=PackageError)
    with pytest.raises(PackageError, match=r"^approver must be a saved User, not None"):
        require_user(None, name="approver", error=PackageError, allow_none=False)


def test_require_aware_refuses_naive_and_optionally_future_datetimes():
    now = timezone.now()
    assert require_aware(now, name="effective_at", error=PackageError) is now
    assert require_aware(None, name="effective_at", error=PackageError) is None
    with pytest.raises(PackageError, match="effective_at must be a timezone-aware datetime or None"):
        require_aware(dt.datetime(2025, 1, 1), name="effective_at", error=PackageError)
    with pytest.raises(PackageError, match="timezone-aware datetime \\("):
        require_aware(None, name="as_of", error=PackageError, allow_none=False)
    with pytest.raises(PackageError, match="cannot be in the future"):
        require_aware(now + dt.timedelta(hours=1), name="effective_at", error=PackageError, not_in_future=True)
    assert require_aware(now + dt.timedelta(hours=1), name="effective_at", error=PackageError)


@pytest.mark.parametrize("bad", ["", "k" * 256, 7, b"key"])
def test_require_idempotency_key_wants_1_to_255_characters(bad):
    with pytest.raises(PackageError, match="idempotency_key must be None or a string of 1 to 255 characters"):
        require_idempotency_key(bad, error=PackageError)


def test_require_idempotency_key_accepts_none_and_the_longest_key():
    assert require_idempotency_key(None) is None
    assert require_idempotency_key("k" * 255) == "k" * 255


@renamed_keywords(user="by")
def cancel(basket, *, by=None, reason=""):
    return basket, by, reason


def test_renamed_keywords_accepts_the_old_name_with_a_warning_and_shows_only_the_new():
    assert list(inspect.signature(cancel).parameters) == ["basket", "by", "reason"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cancel("b", by="u") == ("b", "u", "")
    with pytest.warns(DeprecationWarning, match=r"cancel\(user=\.\.\.\) is deprecated; pass by= instead"):
        assert cancel("b", user="u", reason="r") == ("b", "u", "r")
    with pytest.raises(TypeError, match="got both user= and by="):
        cancel("b", user="u", by="v")


def test_lazy_exports_import_on_first_access_and_refuse_unknown_names():
    getattr_, dir_ = lazy_exports("tests", {"django_basemodels.arguments": ["require_saved"]})
    assert getattr_("require_saved") is require_saved
    assert "require_saved" in dir_()
    with pytest.raises(AttributeError, match="module 'tests' has no attribute 'nothing'"):
        getattr_("nothing")
    with pytest.raises(ValueError, match="exports 'x' from both"):
        lazy_exports("tests", {"a": ["x"], "b": ["x"]})


def test_the_package_root_imports_before_django_is_configured():
    code = "import django_basemodels, django_basemodels.arguments, django_basemodels.exports"
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": ""})
