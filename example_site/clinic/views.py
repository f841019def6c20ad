"""The pages a person looks at: plain Django templates over the packages' selectors (one or two queries each).

Every page shows the clinic's organization's rows only (``clinic.organizations``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from clinic.access import allowed, page
from clinic.models import ClinicSettings, Invoice
from clinic.months import parse_month
from clinic.organizations import clinic_org, of_clinic
from clinic.settlements import group_report
from django_budget.selectors import month_snapshot, month_totals
from django_catalog.models import WorkItem
from django_encounters.models import EncounterDefinition
from django_encounters.selectors import encounter_board
from django_ledger.selectors import trial_balance
from django_stock.models import Location
from django_stock.selectors import expiring_within, stock_report
from django_worklog.models import WorkSession

API_LINKS = [
    ("/api/v1/", "API root (browsable)"),
    ("/api/v1/docs/", "API docs (Swagger UI)"),
    ("/api/v1/schema/", "OpenAPI schema"),
    ("/admin/", "Admin"),
]


def home(request):
    return render(request, "clinic/home.html", {"api_links": API_LINKS, "clinic": ClinicSettings.get_instance()})


@page("board")
def encounter_board_page(request):
    """The visits for everyone who may read visits; work, sessions and invoices for those who may read them."""
    clinic = ClinicSettings.get_instance()
    definition = of_clinic(EncounterDefinition.objects).get(key=clinic.visit_definition_key)
    board = encounter_board(definition)
    columns = [
        (state, state.replace("_", " ").capitalize(), board.get(state, []))
        for state in definition.states
        if not definition.is_terminal(state)
    ]
    user = request.user
    context = {
        "clinic": clinic,
        "columns": columns,
        "show_work": allowed(user, "catalog.view"),
        "show_sessions": allowed(user, "worklog.view"),
        "show_invoices": allowed(user, "clinic.view"),
        "now": timezone.now(),
    }
    if context["show_work"]:
        work_items = of_clinic(WorkItem.objects.open(), "catalog_item__org_key")
        context["work_boards"] = sorted(work_items.board_counts().items())
    if context["show_sessions"]:
        context["sessions"] = WorkSession.objects.running().select_related("user", "context_type")
    if context["show_invoices"]:
        context["recent_invoices"] = of_clinic(Invoice.objects.select_related("patient"))[:5]
    return render(request, "clinic/board.html", context)


@page("stock")
def stock_page(request):
    today = timezone.localdate()
    warning_days = settings.STOCK_EXPIRY_WARNING_DAYS
    locations = []
    org = clinic_org()
    for location in of_clinic(Location.objects.order_by("code")):
        lines = []
        for line in stock_report(location, org=org):
            days_left = (line.expiry_date - today).days if line.expiry_date else None
            if days_left is not None and days_left <= 0:
                warning = "expired"
            elif days_left is not None and days_left <= warning_days:
                warning = "expiring"
            else:
                warning = ""
            lines.append({"line": line, "days_left": days_left, "warning": warning})
        locations.append((location, lines))
    context = {
        "clinic": ClinicSettings.get_instance(),
        "locations": locations,
        "expiring": expiring_within(warning_days, today=today, org=org),
        "warning_days": warning_days,
        "today": today,
    }
    return render(request, "clinic/stock.html", context)


@page("trial-balance")
def trial_balance_page(request):
    as_of, error = None, ""
    if request.GET.get("as_of"):
        try:
            day = dt.date.fromisoformat(request.GET["as_of"])
            as_of = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
        except (ValueError, OverflowError):
            error = "Give the date as YYYY-MM-DD."
    report = trial_balance(as_of, org=clinic_org())
    context = {"clinic": ClinicSettings.get_instance(), "report": report, "as_of": as_of, "error": error}
    return render(request, "clinic/trial_balance.html", context, status=400 if error else 200)


@page("budget")
def budget_page(request, month: str | None = None):
    clinic = ClinicSettings.get_instance()
    today = timezone.localdate()
    try:
        first_day = parse_month(month) if month else today.replace(day=1)
    except ValueError:
        raise Http404("No such month.")
    if clinic.budget is None:
        raise Http404("The clinic has no budget.")
    previous_month = (first_day - dt.timedelta(days=1)).replace(day=1)
    next_month = (first_day + dt.timedelta(days=32)).replace(day=1)
    context = {
        "clinic": clinic,
        "budget": clinic.budget,
        "month": first_day,
        "rows": month_snapshot(budget=clinic.budget, month=first_day),
        "totals": month_totals(budget=clinic.budget, month=first_day),
        "previous_month": f"{previous_month:%Y-%m}",
        "next_month": f"{next_month:%Y-%m}",
    }
    return render(request, "clinic/budget.html", context)


@page("settlements")
def settlements_page(request):
    """The clinic's group (the clinic, its staff and contractors): balances per currency, suggested transfers."""
    organization = clinic_org()
    if organization is None:
        raise Http404("The clinic has no organization yet.")
    context = {"clinic": ClinicSettings.get_instance(), "report": group_report(organization)}
    return render(request, "clinic/settlements.html", context)
