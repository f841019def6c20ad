from django.contrib.auth import views as auth_views
from django.urls import path

from clinic import views

urlpatterns = [
    path("", views.home, name="home"),
    path("board/", views.encounter_board_page, name="board"),
    path("stock/", views.stock_page, name="stock"),
    path("ledger/trial-balance/", views.trial_balance_page, name="trial-balance"),
    path("budget/", views.budget_page, name="budget"),
    path("budget/<str:month>/", views.budget_page, name="budget-month"),
    path("settlements/", views.settlements_page, name="settlements"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
