"""Settings of the django-tenants test: every package of the monorepo is a tenant app, installed in each
client's PostgreSQL schema; the public schema holds only the clients."""

SECRET_KEY = "tests-only"
USE_TZ = True
DATABASES = {
    "default": {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": "django_primitives_tenants",
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
    }
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
TENANT_MODEL = "clients.Client"
TENANT_DOMAIN_MODEL = "clients.Domain"
# django_basemodels before django_tenants: both ship a ``migrate`` command and Django's check commands.E001 wants
# the one that runs to share makemigrations' autodetector (basemodels', which sees Meta.guarantees). Schemas
# are migrated with django-tenants' ``migrate_schemas``, which runs Django's migrations in each schema.
SHARED_APPS = [
    "django_basemodels",
    "django_tenants",
    "tests.tenants.clients",
    "django.contrib.contenttypes",
    "django.contrib.auth",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django_basemodels",
    "django_money",
    "django_audit_log",
    "django_sequence",
    "django_singleton",
    "django_documents",
    "django_notes",
    "django_parties",
    "django_rbac",
    "django_decisioning",
    "django_modules",
    "django_encounters",
    "django_catalog",
    "django_worklog",
    "django_stock",
    "django_ledger",
    "django_agreements",
    "django_settlements",
    "django_budget",
]
INSTALLED_APPS = [*SHARED_APPS, *(app for app in TENANT_APPS if app not in SHARED_APPS)]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CATALOG_ENCOUNTER_MODEL = "django_encounters.Encounter"
MODULES_ORG_MODEL = "django_parties.Organization"
WORKLOG_CONTEXT_MODELS = ["django_encounters.Encounter"]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "django_rbac.backends.RoleBackend"]
