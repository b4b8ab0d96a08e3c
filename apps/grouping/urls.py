from django.urls import path

from apps.grouping import views

app_name = "grouping"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<slug:slug>/", views.round_page, name="round"),
    path("rounds/<slug:slug>/runs/", views.start, name="start"),
    path("rounds/<slug:slug>/runs/<int:pk>/", views.run_status, name="run"),
    path("rounds/<slug:slug>/people/<int:enrollment_pk>/move/", views.move, name="move"),
    path("rounds/<slug:slug>/cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("rounds/<slug:slug>/cohorts/<int:pk>/check/", views.check, name="check"),
    path("rounds/<slug:slug>/publish/", views.publish, name="publish"),
    path("rounds/<slug:slug>/late/", views.late, name="late"),
    path("rounds/<slug:slug>/preferences/", views.preferences, name="preferences"),
]
