"""Create the demo data (idempotent: running it again changes nothing)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from clinic.seed import seed


class Command(BaseCommand):
    help = "Create the clinic's demo data (users demo/demo, vet, accountant, auditor); safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = seed(stdout=self.stdout)
        if not created:
            self.stdout.write("nothing to create: the demo data is there")
        self.stdout.write(self.style.SUCCESS("demo data ready: sign in as demo / demo"))
