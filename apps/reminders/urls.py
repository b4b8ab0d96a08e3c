from django.urls import path

from apps.reminders import views

app_name = "reminders"
urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("notifications/", views.notifications, name="notifications"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
