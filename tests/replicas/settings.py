"""Settings of the replica tests: the primary on 127.0.0.1:5432, its hot standby on 127.0.0.1:5433
(``tests.replicas.standby``), and the router that sends selectors' reads to the standby."""

import os

NAME = "django_primitives_replicas"
SERVER = {"ENGINE": "django.db.backends.postgresql", "USER": "postgres", "HOST": "127.0.0.1", "NAME": NAME}

SECRET_KEY = "tests-only"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django_basemodels",
    "django_money",
    "django_decisioning",
    "django_sequence",
    "django_ledger",
    "django_stock",
]
DATABASES = {
    "default": {**SERVER, "PORT": "5432"},
    "replica": {**SERVER, "PORT": os.environ.get("STANDBY_PORT", "5433")},
}
DATABASE_ROUTERS = ["django_basemodels.routers.PrimaryReplicaRouter"]
BASEMODELS_READ_REPLICAS = ["replica"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
