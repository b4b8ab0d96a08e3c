from django.urls import path

from apps.feedback import views

app_name = "feedback"
urlpatterns = [
    path("rounds/<slug:slug>/sessions/<int:unit_pk>/", views.rate_session, name="rate_session"),
    path(
        "rounds/<slug:slug>/resources/<int:resource_pk>/",
        views.rate_resource,
        name="rate_resource",
    ),
    path("rounds/<slug:slug>/", views.round_overview, name="round"),
    path("cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("cohorts/<int:pk>/meetings/<int:meeting_pk>/", views.meeting, name="meeting"),
]
