from django.urls import path

from apps.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("claim/<int:enrollment_pk>/", views.claim, name="claim"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/revoke/", views.revoke, name="revoke"),
]
