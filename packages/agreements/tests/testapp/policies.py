"""Authority policies the tests plug in through AGREEMENTS_AUTHORITY_POLICY."""

calls: list[dict] = []


def staff_only(*, user, agreement, action, on_behalf_of=None):
    return bool(user.is_staff)


def recording(*, user, agreement, action, on_behalf_of=None):
    calls.append({"user": user, "agreement": agreement, "action": action, "on_behalf_of": on_behalf_of})
    return True


def forgets_to_return(*, user, agreement, action, on_behalf_of=None):
    user.is_staff  # noqa: B018  (a policy without a return statement)


def truthy_but_not_true(*, user, agreement, action, on_behalf_of=None):
    return "yes"


NOT_CALLABLE = "a string is not a policy"
