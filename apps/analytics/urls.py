from django.urls import path

from apps.analytics import views

app_name = "analytics"
urlpatterns = [
    path("rounds/<slug:slug>/", views.round_page, name="round"),
    path("rounds/<slug:slug>/<slug:table>.csv", views.round_csv, name="csv"),
]
