from django.contrib import admin
from django.urls import path

from tests.testapp import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("read-twice/", views.read_twice),
    path("read-save-read/", views.read_save_read),
    path("read-twice-async/", views.read_twice_async),
]
