"""A person may be linked to one user; a user is not a person unless linked, and links at most one live person."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from django_parties import services
from django_parties.exceptions import InvalidPartyError, PartyDeletedError, UserLinkError
from django_parties.models import Person


def test_a_new_user_is_not_a_person(make_user):
    user = make_user()

    assert not Person.objects.for_user(user).exists()


def test_person_can_be_created_without_a_user(person):
    assert person.user is None


def test_create_person_links_a_user(make_person, make_user):
    user = make_user()
    person = make_person(user=user)

    assert Person.objects.for_user(user).get() == person


def test_link_user_links_an_existing_person(person, make_user):
    user = make_user()

    services.link_user(person=person, user=user)

    assert Person.objects.for_user(user).get() == person


def test_linking_the_same_user_again_is_a_no_op(person, make_user):
    user = make_user()
    services.link_user(person=person, user=user)

    assert services.link_user(person=person, user=user).user == user


def test_a_user_cannot_be_linked_to_two_live_persons(make_person, make_user):
    user = make_user()
    make_person(user=user)

    with pytest.raises(UserLinkError):
        make_person(user=user)


def test_linking_a_user_already_linked_elsewhere_is_refused(make_person, make_user):
    user = make_user()
    make_person(user=user)
    other = make_person()

    with pytest.raises(UserLinkError):
        services.link_user(person=other, user=user)


def test_linking_a_person_that_has_another_user_is_refused(make_person, make_user):
    person = make_person(user=make_user())

    with pytest.raises(UserLinkError):
        services.link_user(person=person, user=make_user())


def test_database_refuses_one_user_on_two_live_persons(make_person, make_user):
    user = make_user()
    make_person(user=user)

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(given_name="Twin", user=user)


def test_a_deleted_person_frees_its_user_for_a_new_person(make_person, make_user):
    user = make_user()
    make_person(user=user).delete()

    assert make_person(user=user).user == user


def test_unlink_user_removes_the_link_and_keeps_the_user(make_person, make_user, django_user_model):
    user = make_user()
    person = make_person(user=user)

    services.unlink_user(person=person)

    assert Person.objects.get(pk=person.pk).user is None
    assert django_user_model.objects.filter(pk=user.pk).exists()


def test_unlink_user_of_a_person_without_user_is_a_no_op(person):
    assert services.unlink_user(person=person).user is None


def test_deleting_the_user_keeps_the_person(make_person, make_user):
    user = make_user()
    person = make_person(user=user)

    user.delete()

    assert Person.objects.get(pk=person.pk).user is None


def test_linking_a_deleted_person_is_refused(person, make_user):
    person.delete()

    with pytest.raises(PartyDeletedError):
        services.link_user(person=person, user=make_user())


def test_person_needs_some_name(db):
    with pytest.raises(InvalidPartyError):
        services.create_person(given_name=" ")


def test_database_refuses_a_person_without_any_name(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create()


def test_display_name_wins_over_given_and_family_name(make_person):
    assert str(make_person(given_name="Samantha", family_name="Jones", display_name="Dr. Sam")) == "Dr. Sam"


def test_name_falls_back_to_given_and_family_name(make_person):
    assert make_person(given_name="Samantha", family_name="Jones").name == "Samantha Jones"


def test_full_clean_reports_a_missing_name(db):
    with pytest.raises(ValidationError):
        Person().full_clean()


@pytest.mark.parametrize("user", ["alice", 7])
def test_create_person_refuses_a_user_that_is_not_a_saved_user(db, user):
    with pytest.raises(UserLinkError, match="user must be a saved User"):
        services.create_person(given_name="Ada", user=user)
    assert not Person.all_objects.exists()


def test_link_user_refuses_none_and_an_unsaved_user(person, django_user_model):
    for user in (None, django_user_model(username="draft")):
        with pytest.raises(UserLinkError, match="user must be a saved User"):
            services.link_user(person=person, user=user)
