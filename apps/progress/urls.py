from django.urls import path

from apps.progress import views

app_name = "progress"
urlpatterns = [
    path("cohorts/<int:pk>/", views.cohort_dashboard, name="cohort"),
    path("cohorts/<int:pk>/progress.csv", views.cohort_export, name="cohort_csv"),
    path("rounds/<slug:slug>/", views.round_dashboard, name="round"),
    path("rounds/<slug:slug>/progress.csv", views.round_export, name="round_csv"),
]
