"""``makemigrations`` that also writes the migrations of ``Meta.guarantees``."""

from django.core.management.commands.makemigrations import Command as DjangoCommand

from django_basemodels.guarantees.autodetector import GuaranteeAutodetector


class Command(DjangoCommand):
    autodetector = GuaranteeAutodetector
