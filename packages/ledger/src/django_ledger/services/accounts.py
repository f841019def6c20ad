"""Opening accounts of the chart of accounts (configuration: no decision is recorded)."""

from __future__ import annotations

from django.db import IntegrityError, models, router

from django_basemodels.arguments import require_saved
from django_basemodels.generic import generic_key_values
from django_basemodels.limits import text_within_limit
from django_basemodels.tenancy import InvalidOrgError, OrgLike, org_key
from django_basemodels.transactions import retry_on_deadlock
from django_ledger.choices import AccountType
from django_ledger.exceptions import InvalidAccountError
from django_ledger.models import Account


def _within_column(field_name: str, value: object) -> None:
    """Refuse a string longer than its column holds: PostgreSQL would fail the insert, SQLite would store it."""
    field = Account._meta.get_field(field_name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    text_within_limit(value, name=field_name, limit=field.max_length, error=InvalidAccountError)


def _in(key: str) -> str:
    return f" in organization {key!r}" if key else ""


def open_account(
    *,
    code: str,
    name: str,
    account_type: AccountType | str,
    currency: str,
    parent: Account | None = None,
    owner: models.Model | None = None,
    org: OrgLike = None,
) -> Account:
    """Open an account of the chart of accounts of ``org`` and return it.

    ``org`` is any saved model instance or a string key (``None``, the default: no organization).
    The code is unique per organization: two organizations may each open ``"1010"``.

    Raises ``InvalidAccountError`` for an empty code or name, a code longer than 50 characters or a
    name longer than 200 (their columns), a code already in use in ``org``, an unknown ``account_type``
    or currency, an unsaved parent or owner, a parent of another organization, a parent cycle, or an
    ``org`` that names no organization (an unsaved instance, ``""``).
    """
    _within_column("code", code)
    _within_column("name", name)
    require_saved(parent, name="parent", error=InvalidAccountError, model=Account, allow_none=True)
    require_saved(owner, name="owner", error=InvalidAccountError, allow_none=True)
    try:
        key = org_key(org)
    except InvalidOrgError as exc:
        raise InvalidAccountError(str(exc)) from exc
    account = Account(
        org_key=key,
        code=code,
        name=name,
        account_type=account_type,
        currency=currency,
        parent=parent,
        **generic_key_values("owner", owner),
    )
    using = router.db_for_write(Account)

    def open_it() -> Account:
        if Account.objects.using(using).filter(org_key=key, code=code).exists():
            raise InvalidAccountError(f"An account with code {code!r} exists already{_in(key)}.")
        account.save(using=using)
        return account

    try:
        # Again after a deadlock: InnoDB may deadlock concurrent inserts of one code (each holding a shared
        # lock on the key and wanting it exclusive); the check then sees the account that won.
        return retry_on_deadlock(open_it, using=using)()
    except IntegrityError as exc:  # a concurrent open_account took the code between the check and the insert
        raise InvalidAccountError(f"An account with code {code!r} exists already{_in(key)}.") from exc
