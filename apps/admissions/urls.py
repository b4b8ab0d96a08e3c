from django.urls import path

from apps.admissions import views

app_name = "admissions"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.ranked, name="round"),
    path("<slug:slug>/assign/", views.assign, name="assign"),
    path("<slug:slug>/reviews/", views.my_reviews, name="reviews"),
    path("<slug:slug>/applications/<int:pk>/", views.application, name="application"),
    path("<slug:slug>/my-place/", views.place, name="place"),
]
