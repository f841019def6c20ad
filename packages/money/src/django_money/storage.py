"""Store a Money in two plain model fields, a DecimalField amount and a CharField currency, without a custom field."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast, overload

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

from django_money.exceptions import FieldOverflowError, PrecisionLossError
from django_money.money import Money

if TYPE_CHECKING:
    from collections.abc import Iterator

COMPARISON_LOOKUPS = frozenset({"exact", "gt", "gte", "lt", "lte"})


class MoneyAttribute(property):
    """A model attribute that reads and writes a ``Money`` through an amount field and a currency field.

    Declare it on the model next to the two fields it pairs::

        total_amount = models.DecimalField(max_digits=19, decimal_places=4)
        total_currency = models.CharField(max_length=3)
        total = MoneyAttribute(amount_field="total_amount", currency_field="total_currency")

    Reading gives ``Money(total_amount, total_currency)``, or ``None`` when the amount is ``None``.
    Writing a Money sets both fields; writing ``None`` clears the amount (the field must be
    nullable) and leaves the currency as it is. A write is checked before it touches the instance,
    so nothing wrong reaches ``save()``.
    """

    # A property subclass because Django routes unknown keyword arguments of Model(...),
    # objects.create(...) and get_or_create(defaults=...) only to properties with a setter:
    # Invoice.objects.create(total=Money(...)) then works.

    def __init__(self, *, amount_field: str, currency_field: str) -> None:
        super().__init__(
            fget=self._read,
            fset=self._write,
            fdel=self._refuse_delete,
            doc=f"The Money stored in {amount_field} and {currency_field}.",
        )
        self.amount_field = amount_field
        self.currency_field = currency_field
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: type | None = None) -> MoneyAttribute: ...

        @overload
        def __get__(self, instance: models.Model, owner: type | None = None) -> Money | None: ...

        def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any: ...

        def __set__(self, instance: models.Model, value: Money | None) -> None: ...

    def _read(self, instance: models.Model) -> Money | None:
        amount = getattr(instance, self.amount_field)
        if amount is None:
            return None
        return Money(amount, getattr(instance, self.currency_field))

    def _write(self, instance: models.Model, value: Money | None) -> None:
        amount_field, currency_field = self.fields(type(instance))
        if value is None:
            if not amount_field.null:
                raise TypeError(
                    f"{type(instance).__name__}.{self.name} cannot be None: {self.amount_field} is not nullable"
                )
            setattr(instance, amount_field.attname, None)
            return
        if not isinstance(value, Money):
            raise TypeError(
                f"{type(instance).__name__}.{self.name} takes a Money such as Money('19.99', 'USD'), "
                f"not {type(value).__name__}"
            )
        self._check_fits(value, amount_field, currency_field)
        setattr(instance, amount_field.attname, value.amount)
        setattr(instance, currency_field.attname, value.currency)

    def _refuse_delete(self, instance: models.Model) -> None:
        raise AttributeError(f"cannot delete {type(instance).__name__}.{self.name}: assign None instead")

    def fields(self, model: type[models.Model]) -> tuple[models.DecimalField, models.CharField]:
        """The amount and currency fields of ``model`` this attribute pairs.

        Raises ``ImproperlyConfigured`` when they are missing or of the wrong type (the system
        check ``django_money.E002`` reports the same at startup).
        """
        problems = self.configuration_problems(model)
        if problems:
            raise ImproperlyConfigured(" ".join(problems))
        amount_field = cast(models.DecimalField, model._meta.get_field(self.amount_field))
        currency_field = cast(models.CharField, model._meta.get_field(self.currency_field))
        return amount_field, currency_field

    def configuration_problems(self, model: type[models.Model]) -> list[str]:
        """Describe what is wrong with the two fields this attribute names on ``model``; empty when nothing is."""
        where = f"{model._meta.label}.{self.name}"
        problems = []
        for option, field_name, field_class in (
            ("amount_field", self.amount_field, models.DecimalField),
            ("currency_field", self.currency_field, models.CharField),
        ):
            try:
                field = model._meta.get_field(field_name)
            except FieldDoesNotExist:
                problems.append(f"{where}: {option} {field_name!r} is not a field of {model.__name__}.")
                continue
            if not isinstance(field, field_class):
                actual = type(field).__name__
                article = "an" if actual[0] in "AEIOU" else "a"
                problems.append(
                    f"{where}: {option} {field_name!r} must be a {field_class.__name__}, not {article} {actual}."
                )
        return problems

    def q(self, money: Money, lookup: str = "exact") -> models.Q:
        """A ``Q`` matching rows whose stored Money is in ``money.currency`` and compares to it by ``lookup``.

        ``lookup`` is one of ``exact``, ``gt``, ``gte``, ``lt``, ``lte``:
        ``Invoice.objects.filter(Invoice.total.q(Money("100", "USD"), "gte"))``. Rows in other
        currencies never match.
        """
        if not isinstance(money, Money):
            raise TypeError(f"q() compares with a Money, not {type(money).__name__}")
        if lookup not in COMPARISON_LOOKUPS:
            raise ValueError(f"lookup must be one of {sorted(COMPARISON_LOOKUPS)}, not {lookup!r}")
        return models.Q(**{f"{self.amount_field}__{lookup}": money.amount, self.currency_field: money.currency})

    def _check_fits(self, money: Money, amount_field: models.DecimalField, currency_field: models.CharField) -> None:
        places = amount_field.decimal_places
        if money.rounded(places) != money:
            raise PrecisionLossError(
                f"{money!r} has more than the {places} decimal places {self.amount_field} keeps: "
                f"round it first, e.g. with quantized() or rounded({places})"
            )
        integer_digits = amount_field.max_digits - places
        if abs(money.amount) >= Decimal(f"1e{integer_digits}"):
            raise FieldOverflowError(
                f"{money!r} does not fit {self.amount_field}, which holds at most {integer_digits} integer digits"
            )
        if currency_field.max_length is not None and len(money.currency) > currency_field.max_length:
            raise FieldOverflowError(
                f"the currency {money.currency!r} is longer than {self.currency_field} (max_length="
                f"{currency_field.max_length})"
            )


def money_attributes(model: type) -> Iterator[MoneyAttribute]:
    """Every MoneyAttribute declared on ``model`` or inherited from its bases, each name once."""
    seen: set[str] = set()
    for klass in model.__mro__:
        for name, value in vars(klass).items():
            if name not in seen:
                seen.add(name)
                if isinstance(value, MoneyAttribute):
                    yield value
