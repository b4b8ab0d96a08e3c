from django.urls import path

from apps.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.work_list, name="list"),
    path("<slug:round_slug>/exercises/<int:pk>/", views.answer, name="answer"),
    path("<slug:round_slug>/exercises/<int:pk>/save/", views.save, name="save"),
    path("<slug:round_slug>/exercises/<int:pk>/submit/", views.submit, name="submit"),
    path("<slug:round_slug>/exercises/<int:pk>/preview/", views.preview, name="preview"),
    path("<slug:round_slug>/exercises/<int:pk>/history/", views.history, name="history"),
]
