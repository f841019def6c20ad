"""Org resolvers for MODULES_ORG_RESOLVER tests."""

from tests.testapp.models import Org

NOT_CALLABLE = "a string"


def org_from_query_string(request):
    """The org named by ?org=<name>, or None."""
    name = request.GET.get("org")
    return Org.objects.filter(name=name).first() if name else None
