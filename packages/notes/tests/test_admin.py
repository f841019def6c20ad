"""The admin: lists load, a note's content edited there keeps the previous text, tag colours are checked."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from django_notes.models import Note, NoteRevision, ObjectTag, Tag
from django_notes.services import add_note, edit_note, tag_object

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["tag", "objecttag", "note"])
def test_the_changelists_load(superuser_client, invoice, user, model):
    tag_object(target=invoice, tags=["urgent"])
    add_note(target=invoice, content="paid late", author=user)
    response = superuser_client.get(reverse(f"admin:django_notes_{model}_changelist"))
    assert response.status_code == 200


def test_the_tag_list_shows_a_colour_swatch(superuser_client):
    Tag.objects.create(name="urgent", color="#ff0000")
    assert "background:#ff0000" in superuser_client.get(reverse("admin:django_notes_tag_changelist")).text


def test_a_tag_added_in_the_admin_gets_slug_and_colour(superuser_client):
    response = superuser_client.post(
        reverse("admin:django_notes_tag_add"), {"name": "Review needed", "slug": "", "color": ""}
    )
    assert response.status_code == 302
    tag = Tag.objects.get()
    assert tag.slug == "review-needed"
    assert tag.color.startswith("#")


def test_a_bad_colour_is_a_form_error_in_the_admin(superuser_client):
    response = superuser_client.post(
        reverse("admin:django_notes_tag_add"), {"name": "urgent", "slug": "", "color": "red"}
    )
    assert response.status_code == 200
    assert "Enter a colour as #RRGGBB." in response.text
    assert not Tag.objects.exists()


def test_a_note_added_in_the_admin_is_written_by_the_admin_user(superuser_client, invoice):
    response = superuser_client.post(
        reverse("admin:django_notes_note_add"),
        {
            "target_type": ContentType.objects.get_for_model(invoice).pk,
            "target_id": str(invoice.pk),
            "content": "added in the admin",
            "visibility": "internal",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.author.username, note.target) == ("admin", invoice)


def test_editing_a_notes_content_in_the_admin_keeps_the_previous_text(superuser_client, invoice, user):
    note = add_note(target=invoice, content="first text", author=user)
    response = superuser_client.post(
        reverse("admin:django_notes_note_change", args=[note.pk]),
        {
            "content": "second text",
            "visibility": "external",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.content, note.visibility) == ("second text", "external")
    revision = NoteRevision.objects.get()
    assert (revision.content, revision.edited_by.username) == ("first text", "admin")


def test_changing_only_the_visibility_in_the_admin_writes_no_revision(superuser_client, invoice, user):
    note = add_note(target=invoice, content="text", author=user)
    superuser_client.post(
        reverse("admin:django_notes_note_change", args=[note.pk]),
        {"content": "text", "visibility": "external", "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0"},
    )
    note.refresh_from_db()
    assert note.visibility == "external"
    assert not NoteRevision.objects.exists()


def test_the_change_page_shows_the_revisions_read_only(superuser_client, invoice, user):
    note = add_note(target=invoice, content="first text", author=user)
    edit_note(note, content="second text", by=user)
    response = superuser_client.get(reverse("admin:django_notes_note_change", args=[note.pk]))
    assert response.status_code == 200
    assert "first text" in response.text
    assert 'name="revisions-0-content"' not in response.text


def test_object_tags_list_filters_by_tag(superuser_client, invoice):
    tag_object(target=invoice, tags=["urgent"])
    response = superuser_client.get(
        reverse("admin:django_notes_objecttag_changelist"), {"tag__id__exact": ObjectTag.objects.get().tag_id}
    )
    assert response.status_code == 200


def test_a_user_who_may_only_view_tags_opens_a_tags_page(client, user):
    from django.contrib.auth.models import Permission

    tag = Tag.objects.create(name="Urgent", org="org-a")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_tag"))
    client.force_login(user)
    response = client.get(reverse("admin:django_notes_tag_change", args=[tag.pk]))
    assert response.status_code == 200
    assert b"org-a" in response.content
