from django.urls import path

from apps.grading import views

app_name = "grading"
urlpatterns = [
    path("", views.home, name="home"),
    path("cohorts/<int:pk>/", views.queue, name="queue"),
    path("submissions/<int:pk>/", views.grade, name="grade"),
]
