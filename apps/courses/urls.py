from django.urls import path

from apps.courses import views

app_name = "courses"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("<slug:slug>/", views.course_detail, name="detail"),
    path("<slug:slug>/sessions/<int:number>/", views.unit_detail, name="unit"),
    path("resources/<int:pk>/done/", views.resource_done, name="resource_done"),
]
