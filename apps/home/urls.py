from django.urls import path

from apps.home import views

# No namespace: "home" is the site's own name for its front page (the brand link, sign-in).
urlpatterns = [
    path("", views.home, name="home"),
]
