from django.urls import path

from apps.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/save/", views.save, name="save"),
    path("received/", views.received, name="received"),
    path("received/<int:pk>/rate/", views.rate, name="rate"),
    path("cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("work/<int:pk>/add-review/", views.add_review, name="add_review"),
    path("manage/<int:pk>/hide/", views.hide, name="hide"),
    path("manage/<int:pk>/hand-over/", views.hand_over, name="hand_over"),
]
