from django.urls import path

from apps.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("<slug:slug>/", views.round_detail, name="detail"),
    path("<slug:slug>/apply/", views.apply, name="apply"),
    path("<slug:slug>/availability/", views.availability, name="availability"),
]
