"""Create the demo data (idempotent: running it again changes nothing)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo data; safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        user_model = get_user_model()
        if not user_model.objects.filter(username="demo").exists():
            user_model.objects.create_superuser("demo", "demo@example.com", "demo")
            self.stdout.write("created superuser demo / demo")
        self.stdout.write(self.style.SUCCESS("demo data ready"))
