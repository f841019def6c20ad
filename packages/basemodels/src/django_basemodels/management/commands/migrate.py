"""``migrate`` whose check for unmigrated model changes sees ``Meta.guarantees`` too."""

from django.core.management.commands.migrate import Command as DjangoCommand

from django_basemodels.guarantees.autodetector import GuaranteeAutodetector


class Command(DjangoCommand):
    autodetector = GuaranteeAutodetector
