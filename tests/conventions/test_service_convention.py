"""One way to call every package (docs/architecture.md, "One service convention").

Walks the public services of every package and fails on an actor keyword other than ``by`` /
``on_behalf_of`` outside the signatures the roadmap fixes, on a decision surface without
``idempotency_key``, on more than one argument that may be passed by position, on a service the
package root does not export, and on an exception name that does not end in ``Error``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(p.name for p in (ROOT / "packages").glob("*/src/django_*") if p.is_dir())

# Keywords that, in some package, used to name the user who acts.
ACTOR_WORDS = {
    "actor",
    "user",
    "by_user",
    "created_by",
    "author",
    "agreed_by",
    "assigner",
    "revoker",
    "deleted_by",
    "uploaded_by",
    "performed_by",
    "requested_by",
    "approved_by",
}

# The roadmap's own examples fix these signatures (docs/architecture.md lists them): they keep its names
# and its positional arguments.
ROADMAP_FIXED = {
    "django_audit_log.log": "log(action='create', obj=..., actor=request.user, request=request)",
    "django_audit_log.log_event": "log_event(action='login', actor=user, metadata=...)",
    "django_catalog.get_or_create_draft_basket": "get_or_create_draft_basket(encounter, user)",
    "django_catalog.commit_basket": "commit_basket(basket, user)",
    "django_encounters.create_encounter": "create_encounter('repair_job', subject=..., created_by=user)",
    "django_encounters.transition": "transition(encounter, 'active', by_user=user)",
    "django_worklog.start_session": "start_session(user, task_a)",
    "django_worklog.stop_session": "stop_session(user)",
    "django_worklog.get_active_session": "get_active_session(user)",
    "django_documents.attach_document": "attach_document(target=..., file=..., uploaded_by=user)",
    "django_notes.add_note": "add_note(target=..., content=..., author=user)",
    "django_agreements.create_agreement": "create_agreement(party_a=..., ..., agreed_by=user)",
    "django_sequence.next_sequence": "next_sequence(scope='invoice', org=org)",
}

# A keyword spelled like an actor that names something else.
NOT_THE_ACTOR = {
    "django_rbac.assign_role": {"user": "the user who receives the role"},
    "django_rbac.check_assignment": {"user": "the user who would receive the role"},
    "django_rbac.revoke_role": {"user": "the user whose role is revoked"},
    "django_parties.create_person": {"user": "the login linked to the person"},
    "django_parties.link_user": {"user": "the login linked to the person"},
    "django_sequence.next_value": {},
}

# Reads that live beside the services: they take the user they answer for, by position.
READS = {
    "django_encounters.get_allowed_transitions": "get_allowed_transitions(encounter, user): the moves open to user",
    "django_rbac.authority_level": "authority_level(actor, scope): the level a user acts with",
    "django_rbac.require_active_actor": "require_active_actor(actor): refuses an inactive user",
}

# Records the decision of a surface, inside that surface's run_once: it has no key of its own.
RECORDS_FOR_A_SURFACE = {"django_decisioning.record_decision"}

# Services that address a row by its natural key take the owner and the key by position.
NATURAL_KEY_POSITIONALS = {
    "django_modules.enable_module": "enable_module(org, 'pharmacy', by=...)",
    "django_modules.disable_module": "disable_module(org, 'pharmacy', by=...)",
    "django_modules.clear_override": "clear_override(org, 'pharmacy')",
    "django_sequence.next_value": "next_value(scope, org), the twin of next_sequence",
}

# Decision surfaces whose facts move money, stock or a counter (the others are found by on_behalf_of).
MOVES_MONEY_STOCK_OR_A_COUNTER = {
    "django_stock": {"receive", "issue", "transfer", "adjust", "return_stock", "reverse_movement", "recall_lot"},
    "django_ledger": {"post_transaction", "post_entry", "reverse_transaction", "reverse_entry"},
    "django_budget": {"post_income", "post_expense", "post_split_expense", "void_transaction"},
    "django_catalog": {"commit_basket", "add_item", "record_dispense"},
    "django_sequence": {"next_sequence", "next_value"},
}


def service_modules(package: str) -> list:
    """``django_x.services`` and, when it is a folder, every module in it."""
    try:
        services = importlib.import_module(f"{package}.services")
    except ModuleNotFoundError:
        return []
    modules = [services]
    if hasattr(services, "__path__"):
        for info in pkgutil.iter_modules(services.__path__):
            modules.append(importlib.import_module(f"{package}.services.{info.name}"))
    return modules


def public_services(package: str) -> dict[str, object]:
    """The services module's ``__all__`` when it declares one; else every public function defined in it."""
    modules = service_modules(package)
    if not modules:
        return {}
    declared = getattr(modules[0], "__all__", None)
    found: dict[str, object] = {}
    for module in modules[:1] if declared is not None else modules:
        names = declared if declared is not None else [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            value = getattr(module, name)
            # Defined in the services (not a helper they import from elsewhere in the package).
            if inspect.isfunction(value) and getattr(value, "__module__", "").startswith(f"{package}.services"):
                found[name] = value
    return found


SERVICES = [(package, name, func) for package in PACKAGES for name, func in sorted(public_services(package).items())]
IDS = [f"{package}.{name}" for package, name, _ in SERVICES]


def test_the_walk_finds_the_services():
    assert {"django_stock", "django_ledger", "django_budget", "django_catalog"} <= {p for p, _, _ in SERVICES}
    assert len(SERVICES) > 60


def actor_problems(package: str, name: str, func) -> list[str]:
    qualified = f"{package}.{name}"
    if qualified in ROADMAP_FIXED or qualified in READS:
        return []
    allowed = NOT_THE_ACTOR.get(qualified, {})
    wrong = [p for p in inspect.signature(func).parameters if p in ACTOR_WORDS and p not in allowed]
    return [f"{qualified} names the acting user {wrong}: the convention is by= (and on_behalf_of=)"] if wrong else []


def is_decision_surface(package: str, name: str, func) -> bool:
    """A service that takes ``on_behalf_of`` or moves money, stock or a counter (not a record of another's)."""
    parameters = inspect.signature(func).parameters
    surface = "on_behalf_of" in parameters or name in MOVES_MONEY_STOCK_OR_A_COUNTER.get(package, set())
    return surface and f"{package}.{name}" not in RECORDS_FOR_A_SURFACE


def key_problems(package: str, name: str, func) -> list[str]:
    if not is_decision_surface(package, name, func):
        return []
    key = inspect.signature(func).parameters.get("idempotency_key")
    if key is None:
        return [f"{package}.{name} is a decision surface without idempotency_key="]
    if key.kind is not inspect.Parameter.KEYWORD_ONLY or key.default is not None:
        return [f"{package}.{name}: idempotency_key must be keyword-only and optional (None)"]
    return []


def positional_problems(package: str, name: str, func) -> list[str]:
    qualified = f"{package}.{name}"
    if qualified in ROADMAP_FIXED or qualified in NATURAL_KEY_POSITIONALS or qualified in READS:
        return []
    positional = [
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    if len(positional) > 1:
        return [f"{qualified} takes {positional} by position: only the instance acted on may be"]
    return []


@pytest.mark.parametrize(("package", "name", "func"), SERVICES, ids=IDS)
def test_the_acting_user_is_by(package, name, func):
    assert actor_problems(package, name, func) == []


@pytest.mark.parametrize(("package", "name", "func"), SERVICES, ids=IDS)
def test_a_decision_surface_takes_an_idempotency_key(package, name, func):
    assert key_problems(package, name, func) == []


@pytest.mark.parametrize(("package", "name", "func"), SERVICES, ids=IDS)
def test_at_most_one_argument_by_position(package, name, func):
    assert positional_problems(package, name, func) == []


def test_the_rules_refuse_what_the_convention_forbids():
    def post(transaction, account, *, user=None, on_behalf_of=None):
        """An actor named user, two positional arguments, a delegated surface without a key."""

    def issue(*, by=None, idempotency_key="k"):
        """Moves stock, with a key that is not optional."""

    def log(action, obj, actor, request=None):
        """The roadmap's own spelling."""

    assert actor_problems("django_x", "post", post)
    assert key_problems("django_x", "post", post)
    assert positional_problems("django_x", "post", post)
    assert key_problems("django_stock", "issue", issue)
    assert not actor_problems("django_audit_log", "log", log)
    assert not positional_problems("django_audit_log", "log", log)


@pytest.mark.parametrize(("package", "name", "func"), SERVICES, ids=IDS)
def test_the_package_root_exports_the_service(package, name, func):
    root = importlib.import_module(package)
    assert name in root.__all__, f"{package}.__all__ lacks {name}"
    assert getattr(root, name) is func


@pytest.mark.parametrize("package", PACKAGES)
def test_one_base_exception_and_every_name_ends_in_error(package):
    try:
        exceptions = importlib.import_module(f"{package}.exceptions")
    except ModuleNotFoundError:
        pytest.skip(f"{package} raises only Python's and Django's exceptions")
    defined = {
        name: value
        for name, value in vars(exceptions).items()
        if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == exceptions.__name__
    }
    canonical = {name: value for name, value in defined.items() if value.__name__ == name}
    wrong = sorted(name for name in canonical if not name.endswith("Error"))
    assert not wrong, f"{package}: exception names must end in Error: {wrong}"
    bases = [
        value
        for value in canonical.values()
        if not any(issubclass(value, other) for other in canonical.values() if other is not value)
    ]
    assert len(bases) == 1, f"{package}: one base exception, not {sorted(b.__name__ for b in bases)}"
    root = importlib.import_module(package)
    missing = sorted(name for name in canonical if name not in root.__all__)
    assert not missing, f"{package}.__all__ lacks the exceptions {missing}"


@pytest.mark.parametrize("package", PACKAGES)
def test_decision_actions_are_app_label_dot_service(package):
    """Every recorded action constant is "<app_label>.<service>"."""
    files = (ROOT / "packages").glob(f"*/src/{package}/**/*.py")
    source = "\n".join(p.read_text() for p in files if "migrations" not in p.parts)
    for match in re.finditer(r"(?i:action)\s*=\s*\"([a-z_]+\.[a-z_]+)\"", source):
        assert match.group(1).startswith(f"{package}."), f"{package} records the action {match.group(1)!r}"


def decision_surfaces() -> list[str]:
    """``<package>.<service>`` of every decision surface the walk finds."""
    return [
        f"{package.removeprefix('django_')}.{name}"
        for package, name, func in SERVICES
        if is_decision_surface(package, name, func)
    ]


def test_every_decision_surface_is_in_the_torture_matrix():
    """docs/torture.md (kept equal to tests/torture/matrix.py by tests/torture/test_docs.py) has a row for each."""
    table = (ROOT / "docs" / "torture.md").read_text()
    rows = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| `", table, flags=re.M))
    surfaces = decision_surfaces()
    assert {"stock.issue", "ledger.post_transaction", "catalog.record_dispense"} <= set(surfaces)
    assert [surface for surface in surfaces if surface not in rows] == []
