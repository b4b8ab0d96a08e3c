from django.urls import path, re_path

from apps.cohorts import views

app_name = "cohorts"
urlpatterns = [
    path("", views.cohort_list, name="list"),
    path("mine/", views.my_cohort, name="mine"),
    path("switch/", views.switch, name="switch"),
    path("rounds/<slug:slug>/leave/", views.leave, name="leave"),
    path("switch/<int:pk>/withdraw/", views.switch_withdraw_view, name="switch_withdraw"),
    path("switch/requests/", views.switch_requests, name="switch_requests"),
    path("switch/<int:pk>/answer/", views.switch_answer, name="switch_decide"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    # Tokens come from secrets.token_urlsafe: letters, digits, "-" and "_".
    re_path(
        r"^calendar/(?P<token>[A-Za-z0-9_-]+)\.ics$", views.calendar_feed, name="calendar_feed"
    ),
    path("<int:pk>/", views.cohort_detail, name="detail"),
    path("<int:pk>/meetings/<int:meeting_pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/meetings/<int:meeting_pk>/change/", views.meeting_change, name="meeting"),
    path("<int:pk>/meetings/<int:meeting_pk>/check/", views.meeting_check, name="meeting_check"),
    path("<int:pk>/members/<int:enrollment_pk>/move/", views.move_participant, name="move"),
    path("<int:pk>/members/<int:enrollment_pk>/drop/", views.drop_participant, name="drop"),
]
