from django.urls import path

from apps.plans import views

app_name = "plans"
urlpatterns = [
    path("milestones/<int:milestone_pk>/check-in/", views.checkin, name="checkin"),
    path("cohorts/<int:cohort_pk>/", views.cohort_plans, name="cohort"),
    path("cohorts/<int:cohort_pk>/plans.md", views.cohort_plans_markdown, name="cohort_markdown"),
    path(
        "cohorts/<int:cohort_pk>/<int:submission_pk>.md", views.plan_markdown, name="plan_markdown"
    ),
]
