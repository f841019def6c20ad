from django.contrib import admin
from django.urls import path

from tests.testapp import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sync/event/", views.sync_event),
    path("async/event/", views.async_event),
    path("sync/boom/", views.sync_boom),
]
