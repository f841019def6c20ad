"""The demo data of the clinic, built through the packages' services.

Every step looks for what it would create first, so ``seed_demo`` can run any number of times
(on a fresh database it creates everything; afterwards it changes nothing). Lot expiry dates are
relative to the day of the first run: one lot of each medicine expires within a month.

Two organizations share the database: the clinic the site serves (Riverside Clinic, named in
``ClinicSettings.organization``) and a second one, Northside Pharmacy, holding the same natural
keys (account codes, SKUs, location codes, role slugs, tag slugs, the visit definition's key, the
invoice sequence's scope) in its own organization, with other amounts. The site only ever shows
the clinic's rows (``clinic.organizations``); the second organization shows that the keys are
unique per organization (``docs/architecture.md``, "Many organizations").

The clinic's group for django-settlements is the clinic and the parties related to it (its staff and its
cleaning contractor): the contractor's monthly invoices, two of them paid by one transfer, a reimbursement the
clinic owes its vet, small debts between staff and one in US dollars (``OBLIGATIONS``). Nothing the clinic owes
is overdue, so its budget's discretionary buckets may spend (``BUDGET_SPENDING_POLICY``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from clinic.models import ClinicSettings
from django_agreements.models import Agreement
from django_agreements.services import create_agreement
from django_audit_log import audit_context
from django_basemodels.tenancy import org_key
from django_budget import services as budgets
from django_budget.models import Budget
from django_catalog.models import CatalogItem, CatalogSettings
from django_catalog.services import add_item, commit_basket, get_or_create_draft_basket
from django_encounters.models import Encounter, EncounterDefinition
from django_encounters.services import create_encounter, transition
from django_ledger import EntrySpec
from django_ledger.models import Account, Transaction
from django_ledger.services import open_account, post_transaction
from django_modules import enable_module
from django_modules.models import Module, OrgModuleState
from django_money import Money
from django_notes.selectors import notes_for
from django_notes.services import add_note, tag_object
from django_parties import services as parties
from django_parties.models import Organization, PartyRelationship, Person
from django_rbac import services as rbac
from django_rbac.models import Role
from django_rbac.selectors import has_role
from django_sequence import define_sequence
from django_sequence.models import SequenceDefinition
from django_settlements import record_obligation, record_payment
from django_settlements.models import Obligation
from django_stock.models import Location, Lot, StockItem, StockMovement
from django_stock.services import receive

PASSWORD = "demo"
MODULES = [
    "parties",
    "encounters",
    "catalog",
    "worklog",
    "stock",
    "ledger",
    "budget",
    "sequences",
    "audit",
    "clinic",
    "documents",
    "notes",
    "agreements",
    "modules",
    "settlements",
]

#: The apps whose rows each RBAC module covers: a role that may view a module may view these in the
#: admin, and nothing else. No module covers the secrets (tokens, sessions, users and their
#: password hashes, roles and permissions): only superusers see those.
MODULE_APPS = {
    "parties": ["django_parties"],
    "encounters": ["django_encounters"],
    "catalog": ["django_catalog"],
    "worklog": ["django_worklog"],
    "stock": ["django_stock"],
    "ledger": ["django_ledger"],
    "budget": ["django_budget"],
    "sequences": ["django_sequence"],
    "audit": ["django_audit_log", "django_decisioning"],
    "clinic": ["clinic"],
    "documents": ["django_documents"],
    "notes": ["django_notes"],
    "agreements": ["django_agreements"],
    "modules": ["django_modules"],
    "settlements": ["django_settlements"],
}

ROLES = [
    # slug, name, level, module permissions, Django permissions (the admin honours them through RoleBackend)
    (
        "director",
        "Director",
        80,
        [f"{module}.*" for module in MODULES],
        [
            "django_ledger.reverse_transaction",
            "django_budget.void_budgettransaction",
            "django_agreements.amend_agreement",
            "django_agreements.terminate_agreement",
            "django_notes.change_note",  # edits anyone's note (authors edit their own)
            "django_settlements.reverse_settlement",  # reverses payments and refunds, cancels obligations
        ],
    ),
    (
        "clinician",
        "Clinician",
        50,
        [
            "parties.*",
            "encounters.*",
            "catalog.*",
            "worklog.*",
            "stock.view",
            "stock.change",
            "clinic.view",
            "clinic.dispense",
            "sequences.view",
            "documents.*",
            "notes.*",
            "agreements.view",
        ],
        [],
    ),
    (
        "accountant",
        "Accountant",
        40,
        [
            "ledger.*",
            "budget.*",
            "sequences.*",
            "parties.view",
            "encounters.view",
            "clinic.view",
            "clinic.bill",
            "audit.view",
            "documents.*",
            "notes.view",
            "agreements.*",
            "settlements.*",
        ],
        [
            "django_ledger.reverse_transaction",
            "django_budget.void_budgettransaction",
            "django_agreements.amend_agreement",
            "django_agreements.terminate_agreement",
            "django_settlements.reverse_settlement",
        ],
    ),
    ("auditor", "Auditor (read-only)", 10, [f"{module}.view" for module in MODULES], []),
]
USERS = [
    # username, first, last, role slug
    ("vet", "Ana", "Ortiz", "clinician"),
    ("accountant", "Sam", "Lee", "accountant"),
    ("auditor", "Kim", "Novak", "auditor"),
]
CLINIC = "Riverside Clinic"
SECOND_ORGANIZATION = "Northside Pharmacy"
PATIENTS = [("Maria", "Gomez"), ("John", "Carter"), ("Li", "Wei"), ("Amina", "Diallo"), ("Peter", "Novak")]

VISIT_DEFINITION: dict[str, Any] = {
    "key": "clinic_visit",
    "states": ["checked_in", "in_consultation", "awaiting_billing", "billed", "cancelled"],
    "transitions": {
        "checked_in": ["in_consultation", "cancelled"],
        "in_consultation": ["awaiting_billing", "cancelled"],
        "awaiting_billing": ["in_consultation", "billed"],
    },
    "initial_state": "checked_in",
    "terminal_states": ["billed", "cancelled"],
    "validator_paths": ["clinic.validators.VisitRules"],
}

CATALOG = [
    # display name, kind, category, board, price, stock SKU
    ("General consultation", "service", "consultation", "consultation", "60.00", ""),
    ("Blood test", "service", "lab", "lab", "25.00", ""),
    ("Vaccination", "service", "nursing", "nursing", "35.00", ""),
    ("Amoxicillin 500 mg, box of 12", "stock_item", "pharmacy", "pharmacy", "8.50", "AMOX-500"),
    ("Ibuprofen 400 mg, box of 20", "stock_item", "pharmacy", "pharmacy", "4.20", "IBU-400"),
    ("Saline 0.9% 500 ml", "stock_item", "pharmacy", "pharmacy", "3.10", "SAL-500"),
]
STOCK_ITEMS = [
    ("AMOX-500", "Amoxicillin 500 mg", "box"),
    ("IBU-400", "Ibuprofen 400 mg", "box"),
    ("SAL-500", "Saline 0.9% 500 ml", "bag"),
]
LOCATIONS = [("WH", "Central store", "warehouse"), ("PHARM", "Clinic pharmacy", "pharmacy")]
LOTS = [
    # SKU, lot number, days to expiry, {location code: quantity received}
    ("AMOX-500", "AMX-2401", 12, {"PHARM": 6}),
    ("AMOX-500", "AMX-2409", 400, {"WH": 100, "PHARM": 40}),
    ("IBU-400", "IBU-2311", 25, {"PHARM": 15}),
    ("IBU-400", "IBU-2406", 300, {"WH": 80}),
    ("SAL-500", "SAL-2402", 200, {"WH": 60, "PHARM": 24}),
]
ACCOUNTS = [
    ("1000", "Cash", "asset"),
    ("1100", "Accounts receivable", "asset"),
    ("2000", "Accounts payable", "liability"),
    ("3000", "Owner's equity", "equity"),
    ("4000", "Consultation and service revenue", "revenue"),
    ("4100", "Medicine sales", "revenue"),
    ("5000", "Medical supplies", "expense"),
    ("5100", "Rent", "expense"),
]
PRODUCT_MODULES = [
    # key, name, on by default: switched per organization with django-modules
    ("pharmacy", "Pharmacy (dispensing)", True),
    ("billing", "Billing (invoices)", True),
    ("lab", "Laboratory", True),
    ("telehealth", "Telehealth", False),
]
BUCKETS = [
    # name, kind, monthly limit, priority, rollover
    ("Medical supplies", "essentials", "2500.00", "A", False),
    ("Rent", "essentials", "1500.00", "A", False),
    ("Equipment fund", "sinking", "400.00", "B", True),
    ("Staff training", "fun", "300.00", "C", False),
]
BUDGET_EXPENSES = [
    # bucket, amount, description (this month; the same facts as the ledger's opening postings)
    ("Medical supplies", "1840.00", "Medical supplies delivery"),
    ("Rent", "1500.00", "Rent of the month"),
]
OPENING_POSTINGS = [
    # description, debit account, credit account, amount
    ("Opening balance", "1000", "3000", "20000.00"),
    ("Medical supplies delivery", "5000", "2000", "1840.00"),
    ("Rent of the month", "5100", "1000", "1500.00"),
]

# The second organization: the same keys as the clinic's, other lots and amounts.
SECOND_LOTS = [
    ("AMOX-500", "NP-AMX-01", 90, {"PHARM": 7}),
    ("IBU-400", "NP-IBU-01", 180, {"WH": 33, "PHARM": 9}),
    ("SAL-500", "NP-SAL-01", 365, {"WH": 11}),
]
SECOND_POSTINGS = [
    ("Opening balance", "1000", "3000", "7000.00"),
    ("Rent of the month", "5100", "1000", "900.00"),
]
SECOND_CUSTOMER = ("Olga", "Petrova")

# Who owes whom around the clinic (django-settlements), in the clinic's organization. The clinic's group is the
# clinic and the parties related to it: its staff (the users' persons) and its cleaning contractor.
CONTRACTOR = "Riverside Cleaning Co."
OBLIGATIONS = [
    # debtor, creditor, amount, currency, days from today to the due date, days since it arose, description
    ("clinic", "contractor", "450.00", "", -40, 50, "Cleaning, two months ago"),
    ("clinic", "contractor", "450.00", "", -10, 20, "Cleaning, last month"),
    ("clinic", "contractor", "450.00", "", 20, 0, "Cleaning, this month"),
    ("clinic", "vet", "85.00", "", 14, 3, "Conference fee advanced by Ana"),
    ("vet", "accountant", "30.00", "", 7, 2, "Team lunch: Sam paid Ana's share"),
    ("accountant", "clinic", "30.00", "", 30, 1, "Staff purchase: first-aid kit"),
    ("auditor", "vet", "25.00", "USD", 14, 4, "Conference book ordered from the US"),
]
#: One bank transfer pays the first two cleaning invoices, the earliest due first: nothing the clinic owes is
#: overdue, so its budget may spend on discretionary buckets (BUDGET_SPENDING_POLICY).
CONTRACTOR_PAYMENT = ("900.00", 8, "Bank transfer: cleaning, two months")


def seed(*, stdout: Any = None) -> dict[str, int]:
    """Create whatever of the demo data is missing; return the number of rows created per kind."""
    created: dict[str, int] = {}

    def note(kind: str, count: int = 1) -> None:
        if count:
            created[kind] = created.get(kind, 0) + count

    admin = _superuser(note)
    # Tracked rows (clinic.audit) get the demo superuser as actor and one request id for the run.
    with audit_context(actor=admin, request_id=f"seed-demo-{uuid.uuid4().hex}"):
        clinic = _organization(CLINIC, email="desk@riverside.example", city="Riverside", note=note)
        clinic_settings = ClinicSettings.get_instance()
        if clinic_settings.organization_id is None:
            clinic_settings.organization = clinic
            clinic_settings.save()
        roles = _roles(admin, clinic, note)
        users = _staff(admin, clinic, roles, note)
        _patients(note)
        definition = _visit_definition(clinic, note)
        items = _catalog(clinic, clinic_settings.currency, note)
        _stock(admin, clinic, LOTS, note)
        _ledger(clinic, clinic_settings.currency, OPENING_POSTINGS, note)
        _invoice_sequence(clinic, clinic_settings.invoice_sequence_scope, "INV", note)
        _modules(admin, clinic, note)
        _budget(admin, clinic, clinic_settings, note)
        _visits(users["vet"], items, definition, clinic, note)
        _patient_records(users, clinic, clinic_settings.currency, note)
        _settlements(admin, users, clinic, clinic_settings.currency, note)
        _second_organization(admin, clinic_settings, note)
    if stdout is not None:
        for kind, count in created.items():
            stdout.write(f"created {count} {kind}")
    return created


def _superuser(note: Any) -> Any:
    user_model = get_user_model()
    admin = user_model.objects.filter(username="demo").first()
    if admin is None:
        admin = user_model.objects.create_superuser("demo", "demo@example.com", PASSWORD)
        note("superusers")
    return admin


def _roles(admin: Any, org: Organization, note: Any) -> dict[str, Role]:
    """The roles of ``org`` (the same slugs in every organization)."""
    roles = {}
    for slug, name, level, modules, permissions in ROLES:
        wanted = [*_permissions(permissions), *_view_permissions(modules)]
        role = Role.objects.filter(org_key=org_key(org), slug=slug).first()
        if role is None:
            role = rbac.create_role(
                by=admin,
                name=name,
                slug=slug,
                hierarchy_level=level,
                module_permissions=modules,
                permissions=wanted,
                org=org,
            )
            note("roles")
        elif set(role.permissions.all()) != set(wanted) or sorted(role.module_permissions) != sorted(modules):
            # A role seeded by an earlier version of this file: brought to its definition above.
            role = rbac.update_role(by=admin, role=role, permissions=wanted, module_permissions=modules)
            note("role updates")
        roles[slug] = role
    return roles


def _staff(admin: Any, clinic: Organization, roles: dict[str, Role], note: Any) -> dict[str, Any]:
    """The clinic's staff: users holding the clinic's roles, and persons employed by the clinic."""
    user_model = get_user_model()
    users = {}
    for username, first, last, slug in USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username, f"{username}@example.com", PASSWORD, first_name=first, last_name=last, is_staff=True
            )
            note("users")
        if not has_role(user, roles[slug]):
            rbac.assign_role(by=admin, user=user, role=roles[slug])
            note("role assignments")
        if not Person.objects.for_user(user).exists():
            person = parties.create_person(given_name=user.first_name, family_name=user.last_name, user=user)
            parties.create_relationship(from_party=person, to_party=clinic, relationship_type="employee")
            note("staff persons")
        users[username] = user
    return users


def _permissions(names: list[str]) -> list[Permission]:
    wanted = [(app_label, codename) for app_label, codename in (name.split(".", 1) for name in names)]
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(codename__in=[c for _, c in wanted])
    }
    return [found[key] for key in wanted]


def _view_permissions(module_permissions: list[str]) -> list[Permission]:
    """``view_*`` in the admin of the apps of the modules the role may view, nothing more."""
    viewable = {p.split(".")[0] for p in module_permissions if p.split(".")[1] in {"view", "*"}}
    apps = [app for module in sorted(viewable) for app in MODULE_APPS.get(module, [])]
    return list(
        Permission.objects.filter(codename__startswith="view_", content_type__app_label__in=apps).order_by("pk")
    )


def _organization(name: str, *, email: str, city: str, note: Any, kind: str = "clinic") -> Organization:
    org = Organization.objects.filter(name=name).first()
    if org is None:
        org = parties.create_organization(name=name, kind=kind)
        parties.add_contact_point(party=org, kind="email", value=email, is_primary=True)
        parties.add_contact_point(
            party=org, kind="address", line1="12 River Road", postal_code="1010", city=city, country="AT"
        )
        note("organizations")
    return org


def _patients(note: Any) -> None:
    for given, family in PATIENTS:
        if not Person.objects.filter(given_name=given, family_name=family).exists():
            patient = parties.create_person(given_name=given, family_name=family)
            parties.add_contact_point(
                party=patient, kind="email", value=f"{given.lower()}.{family.lower()}@mail.example", is_primary=True
            )
            note("patients")


def _visit_definition(org: Organization, note: Any) -> EncounterDefinition:
    definition = EncounterDefinition.objects.filter(org_key=org_key(org), key=VISIT_DEFINITION["key"]).first()
    if definition is None:
        definition = EncounterDefinition.objects.create(org_key=org_key(org), **VISIT_DEFINITION)
        note("encounter definitions")
    return definition


def _catalog(org: Organization, currency: str, note: Any, *, catalog: list = CATALOG) -> dict[str, CatalogItem]:
    catalog_settings = CatalogSettings.get_instance()
    if not catalog_settings.default_routing:
        catalog_settings.default_routing = "front_desk"
        catalog_settings.save()
    items = {}
    for name, kind, category, board, price, sku in catalog:
        item = CatalogItem.objects.filter(org_key=org_key(org), display_name=name).first()
        if item is None:
            item = CatalogItem.objects.create(
                org=org,
                display_name=name,
                kind=kind,
                service_category=category,
                routing=board,
                price_amount=Decimal(price),
                price_currency=currency,
                stock_sku=sku,
            )
            note("catalog items")
        items[name] = item
    return items


def _stock(admin: Any, org: Organization, lots: list, note: Any) -> None:
    """``org``'s stock items and locations (the same SKUs and codes in every organization) and its lots."""
    key = org_key(org)
    items = {}
    for sku, name, unit in STOCK_ITEMS:
        items[sku], was_created = StockItem.objects.get_or_create(
            org_key=key, sku=sku, defaults={"name": name, "unit": unit}
        )
        note("stock items", int(was_created))
    locations = {}
    for code, name, kind in LOCATIONS:
        locations[code], was_created = Location.objects.get_or_create(
            org_key=key, code=code, defaults={"name": name, "kind": kind}
        )
        note("stock locations", int(was_created))
    today = timezone.localdate()
    for sku, number, days, quantities in lots:
        lot, was_created = Lot.objects.get_or_create(
            item=items[sku], lot_number=number, defaults={"expiry_date": today + dt.timedelta(days=days)}
        )
        note("lots", int(was_created))
        for code, quantity in quantities.items():
            if not StockMovement.objects.filter(lot=lot, location=locations[code]).exists():
                receive(location=locations[code], lot=lot, quantity=quantity, by=admin, reason="demo delivery")
                note("stock receipts")


def _ledger(org: Organization, currency: str, postings: list, note: Any) -> None:
    """``org``'s chart of accounts (the same codes in every organization) and its opening postings."""
    accounts = {}
    for code, name, account_type in ACCOUNTS:
        account = Account.objects.filter(org_key=org_key(org), code=code).first()
        if account is None:
            account = open_account(code=code, name=name, account_type=account_type, currency=currency, org=org)
            note("ledger accounts")
        accounts[code] = account
    for description, debit, credit, amount in postings:
        # Facts belong to the organization of their accounts.
        if not Transaction.objects.filter(description=description, entries__account__org_key=org_key(org)).exists():
            post_transaction(
                entries=[
                    EntrySpec.debit(accounts[debit], Decimal(amount)),
                    EntrySpec.credit(accounts[credit], Decimal(amount)),
                ],
                description=description,
            )
            note("ledger transactions")


def _invoice_sequence(org: Organization, scope: str, prefix: str, note: Any) -> None:
    """``org``'s own definition of the invoice scope (each organization numbers its invoices itself)."""
    if not SequenceDefinition.objects.filter(org_key=org_key(org), scope=scope).exists():
        define_sequence(scope=scope, prefix=prefix, template="{prefix}-{year}-{value:04d}", org=org)
        note("sequence definitions")


def _visits(
    vet: Any, items: dict[str, CatalogItem], definition: EncounterDefinition, clinic: Organization, note: Any
) -> None:
    """Three visits on the board: one checked in, one in consultation, one with lab work pending."""
    if Encounter.objects.filter(definition=definition).exists():
        return
    maria, john, li = (Person.objects.get(given_name=g, family_name=f) for g, f in PATIENTS[:3])
    create_encounter(definition, subject=maria, created_by=vet)
    consultation = create_encounter(definition, subject=john, created_by=vet)
    transition(consultation, "in_consultation", by_user=vet, on_behalf_of=clinic)
    add_item(basket=get_or_create_draft_basket(consultation, vet), catalog_item=items["General consultation"], by=vet)
    lab = create_encounter(definition, subject=li, created_by=vet)
    transition(lab, "in_consultation", by_user=vet, on_behalf_of=clinic)
    basket = get_or_create_draft_basket(lab, vet)
    add_item(basket=basket, catalog_item=items["General consultation"], by=vet)
    add_item(basket=basket, catalog_item=items["Blood test"], by=vet)
    commit_basket(basket, vet)
    note("visits", 3)


def _modules(admin: Any, clinic: Organization, note: Any) -> None:
    for key, name, active in PRODUCT_MODULES:
        if not Module.objects.filter(key=key).exists():
            Module.objects.create(key=key, name=name, active=active)
            note("product modules")
    if not OrgModuleState.objects.filter(org=clinic, module__key="telehealth").exists():
        enable_module(clinic, "telehealth", by=admin)  # off by default, on for this clinic
        note("module overrides")


def _budget(admin: Any, clinic: Organization, clinic_settings: ClinicSettings, note: Any) -> None:
    if clinic_settings.budget_id is not None:
        return
    budget = budgets.create_budget(name="Operating budget", currency=clinic_settings.currency, owner=clinic, org=clinic)
    this_month = timezone.localdate().replace(day=1)
    first_month = (this_month - dt.timedelta(days=40)).replace(day=1)  # two months of history
    buckets = {}
    for name, kind, limit, priority, rollover in BUCKETS:
        buckets[name] = budgets.create_bucket(
            budget=budget,
            name=name,
            kind=kind,
            monthly_limit=Decimal(limit),
            priority=priority,
            rollover=rollover,
            start_month=first_month,
        )
    for bucket, amount, description in BUDGET_EXPENSES:
        budgets.post_expense(
            budget=budget,
            bucket=buckets[bucket],
            amount=Decimal(amount),
            date=timezone.localdate(),
            description=description,
            by=admin,
        )
    clinic_settings.budget = budget
    clinic_settings.save()
    note("budgets")
    note("budget buckets", len(BUCKETS))


def _patient_records(users: dict[str, Any], clinic: Organization, currency: str, note: Any) -> None:
    """A care plan agreement, a note and a tag: the clinic's records about its patients."""
    amina = Person.objects.get(given_name="Amina", family_name="Diallo")
    if not Agreement.objects.for_party(amina).exists():
        create_agreement(
            party_a=amina,
            party_b=clinic,
            scope_type="care_plan",
            terms={"monthly_fee": Money("45.00", currency), "visits_included": 2, "plan": "chronic care"},
            agreed_by=users["accountant"],
        )
        note("agreements")
    if not notes_for(amina).exists():
        add_note(target=amina, content="Prefers morning appointments.", author=users["vet"])
        tag_object(target=amina, tags=["Care plan", "Penicillin allergy"], org=clinic)
        note("notes")


def _settlements(admin: Any, users: dict[str, Any], clinic: Organization, currency: str, note: Any) -> None:
    """The clinic's obligations and payments (``OBLIGATIONS``, ``CONTRACTOR_PAYMENT``) and its group: the cleaning
    contractor joins the staff as a party related to the clinic."""
    if Obligation.objects.for_org(clinic).exists():
        return
    contractor = _organization(
        CONTRACTOR, email="billing@cleaning.example", city="Riverside", note=note, kind="company"
    )
    if not PartyRelationship.objects.from_party(contractor).to_party(clinic).current().exists():
        parties.create_relationship(from_party=contractor, to_party=clinic, relationship_type="contractor")
    named: dict[str, Any] = {"clinic": clinic, "contractor": contractor}
    named.update({username: Person.objects.for_user(user).get() for username, user in users.items()})
    now, today = timezone.now(), timezone.localdate()
    recorded = []
    for debtor, creditor, amount, code, due_in, arose, description in OBLIGATIONS:
        recorded.append(
            record_obligation(
                debtor=named[debtor],
                creditor=named[creditor],
                amount=Money(amount, code or currency),
                due_on=today + dt.timedelta(days=due_in),
                effective_at=now - dt.timedelta(days=arose),
                description=description,
                org=clinic,
                by=admin,
            )
        )
    amount, days_ago, description = CONTRACTOR_PAYMENT
    record_payment(
        payer=clinic,
        payee=contractor,
        amount=Money(amount, currency),
        obligations=recorded[:2],
        allocation="due_date",
        effective_at=now - dt.timedelta(days=days_ago),
        description=description,
        by=admin,
    )
    note("obligations", len(recorded))
    note("payments")


def _second_organization(admin: Any, clinic_settings: ClinicSettings, note: Any) -> None:
    """Northside Pharmacy: the clinic's natural keys again, in its own organization, with other amounts.

    Its roles, accounts, stock, visit definition, invoice sequence, budget and tags never show on the
    clinic's pages and API.
    """
    pharmacy = _organization(SECOND_ORGANIZATION, email="desk@northside.example", city="Northside", note=note)
    _roles(admin, pharmacy, note)
    _visit_definition(pharmacy, note)
    _catalog(pharmacy, clinic_settings.currency, note, catalog=[row for row in CATALOG if row[5]])
    _stock(admin, pharmacy, SECOND_LOTS, note)
    _ledger(pharmacy, clinic_settings.currency, SECOND_POSTINGS, note)
    _invoice_sequence(pharmacy, clinic_settings.invoice_sequence_scope, "NSP", note)
    if not Budget.objects.filter(org_key=org_key(pharmacy)).exists():
        budgets.create_budget(name="Operating budget", currency=clinic_settings.currency, owner=pharmacy, org=pharmacy)
        note("budgets")
    given, family = SECOND_CUSTOMER
    customer = Person.objects.filter(given_name=given, family_name=family).first()
    if customer is None:
        customer = parties.create_person(given_name=given, family_name=family)
        parties.create_relationship(from_party=customer, to_party=pharmacy, relationship_type="member")
        tag_object(target=customer, tags=["Care plan"], org=pharmacy)  # the clinic's tag slug, the pharmacy's tag
        note("customers")
    if not Obligation.objects.for_org(pharmacy).exists():  # never on the clinic's API or pages
        record_obligation(
            debtor=customer, creditor=pharmacy, amount=Money("12.00", clinic_settings.currency), org=pharmacy, by=admin
        )
        note("obligations")
