from django.db import models

from django_money import MoneyAttribute


class Invoice(models.Model):
    number = models.CharField(max_length=20)
    total_amount = models.DecimalField(max_digits=19, decimal_places=4)
    total_currency = models.CharField(max_length=3)
    total = MoneyAttribute(amount_field="total_amount", currency_field="total_currency")
    discount_amount = models.DecimalField(max_digits=19, decimal_places=4, null=True, blank=True)
    discount_currency = models.CharField(max_length=3, blank=True)
    discount = MoneyAttribute(amount_field="discount_amount", currency_field="discount_currency")

    def __str__(self) -> str:
        return self.number


class Wallet(models.Model):
    """Holds a custom currency with more decimal places than ISO 4217 uses (BTC: 8)."""

    balance_amount = models.DecimalField(max_digits=28, decimal_places=8)
    balance_currency = models.CharField(max_length=8)
    balance = MoneyAttribute(amount_field="balance_amount", currency_field="balance_currency")

    def __str__(self) -> str:
        return str(self.balance)
