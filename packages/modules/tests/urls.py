from django.contrib import admin
from django.urls import path

from tests.testapp import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("pharmacy/", views.pharmacy_page),
    path("checked-inside/", views.page_calling_the_selector),
    path("cbv/", views.PharmacyView.as_view()),
]
