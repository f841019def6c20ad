import uuid

from django.db import models

from django_basemodels.fields import CaseSensitiveCharField
from django_basemodels.guarantees import AppendOnly


class CustomerQuerySet(models.QuerySet):
    def named(self, name):
        return self.filter(name=name)


class CustomerManager(models.Manager.from_queryset(CustomerQuerySet)):
    use_in_migrations = True


class Customer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=100, blank=True)
    password = models.CharField(max_length=100, blank=True)
    balance = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    visits = models.IntegerField(default=0)
    profile = models.JSONField(default=dict, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerManager()

    def __str__(self):
        return f"Customer {self.name}"


class Account(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="accounts")
    number = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, default="open")
    pin_hint = models.CharField(max_length=50, blank=True)
    internal_note = models.CharField(max_length=100, blank=True)

    def __str__(self):
        return f"Account {self.number}"


class Label(models.Model):
    name = models.CharField(max_length=50)


class Note(models.Model):
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    text = models.CharField(max_length=200)
    priority = models.IntegerField(default=0)
    labels = models.ManyToManyField(Label, blank=True)

    def __str__(self):
        return f"Note {self.text}"


class Plain(models.Model):
    """Not registered: the baseline and the model register()/unregister() tests use."""

    name = models.CharField(max_length=100)
    size = models.IntegerField(default=0)


class Receipt(models.Model):
    """Registered and append-only (a database guarantee): how tracking meets a guarded table."""

    number = models.CharField(max_length=20, unique=True)
    amount = models.IntegerField(default=0)

    class Meta:
        guarantees = [AppendOnly(message="testapp_receipt: receipts are append-only")]

    def __str__(self):
        return f"Receipt {self.number}"


class Voucher(models.Model):
    """A text primary key, compared byte by byte on every database: "abc" and "ABC" are two vouchers."""

    code = CaseSensitiveCharField(primary_key=True, max_length=20)

    def __str__(self):
        return f"Voucher {self.code}"
