import pytest
from django.core import checks
from django.core.management import call_command
from django.urls import reverse

from django_worklog.checks import check_settings
from django_worklog.models import WorkSession
from django_worklog.services import start_session, stop_session


def ids(messages) -> list[str]:
    return [message.id for message in messages]


# --- system checks -----------------------------------------------------------------------------


def test_default_settings_pass_the_checks():
    assert check_settings() == []


def test_the_whole_project_passes_the_system_checks_without_warnings():
    call_command("check", fail_level="WARNING")


def test_checks_are_registered():
    assert check_settings in checks.registry.registry.get_checks()


@pytest.mark.parametrize("value", [None, [], ["testapp.Task", "testapp.Ticket"], ("auth.User",)])
def test_context_models_setting_with_installed_models_passes(settings, value):
    settings.WORKLOG_CONTEXT_MODELS = value

    assert check_settings() == []


@pytest.mark.parametrize("value", ["testapp.Task", ["testapp.Task", 3], {"testapp.Task": True}])
def test_context_models_setting_that_is_not_a_list_of_labels_is_an_error(settings, value):
    settings.WORKLOG_CONTEXT_MODELS = value

    assert ids(check_settings()) == ["django_worklog.E001"]


@pytest.mark.parametrize("label", ["testapp.Nothing", "nowhere.Task", "Task"])
def test_context_models_setting_naming_no_installed_model_is_an_error(settings, label):
    settings.WORKLOG_CONTEXT_MODELS = ["testapp.Task", label]

    messages = check_settings()

    assert ids(messages) == ["django_worklog.E002"]
    assert repr(label) in messages[0].msg


def test_use_tz_false_is_warned(settings):
    settings.USE_TZ = False

    assert ids(check_settings()) == ["django_worklog.W001"]


# --- admin -------------------------------------------------------------------------------------


@pytest.fixture
def sessions(clock, user, other_user, task, ticket):
    start_session(user=user, context=task)
    clock.advance(minutes=5)
    stop_session(user)
    start_session(user=other_user, context=ticket)
    return WorkSession.objects.order_by("started_at")


@pytest.mark.django_db
def test_admin_lists_sessions(admin_client, sessions):
    response = admin_client.get(reverse("admin:django_worklog_worksession_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "running"), [("running", True), ("stopped", False)])
def test_admin_filters_by_state(admin_client, sessions, state, running):
    response = admin_client.get(reverse("admin:django_worklog_worksession_changelist"), {"state": state})

    assert [session.is_running for session in response.context["cl"].result_list] == [running]


@pytest.mark.django_db
def test_admin_shows_a_session_read_only(admin_client, sessions):
    session = sessions.first()

    response = admin_client.get(reverse("admin:django_worklog_worksession_change", args=[session.pk]))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["adminform"].form.fields == {}


@pytest.mark.django_db
def test_admin_refuses_to_change_a_session(admin_client, sessions):
    session = sessions.first()

    response = admin_client.post(
        reverse("admin:django_worklog_worksession_change", args=[session.pk]), {"duration_seconds": "1"}
    )

    assert response.status_code == 403
    assert WorkSession.objects.get(pk=session.pk).duration_seconds == 300


@pytest.mark.django_db
def test_admin_offers_no_add_and_no_delete(admin_client, sessions):
    session = sessions.first()

    add = admin_client.get(reverse("admin:django_worklog_worksession_add"))
    delete = admin_client.post(reverse("admin:django_worklog_worksession_delete", args=[session.pk]), {"post": "yes"})

    assert add.status_code == 403
    assert delete.status_code == 403
    assert WorkSession.objects.count() == 2


@pytest.mark.django_db
def test_admin_search_finds_a_context_by_its_dashed_uuid(admin_client, sessions, task):
    response = admin_client.get(reverse("admin:django_worklog_worksession_changelist"), {"q": f" {task.pk} "})

    assert [session.context for session in response.context["cl"].result_list] == [task]


@pytest.mark.django_db
def test_admin_search_with_an_empty_term_lists_everything(admin_client, sessions):
    response = admin_client.get(reverse("admin:django_worklog_worksession_changelist"), {"q": "  "})

    assert response.context["cl"].result_count == 2
