"""The project's URLs plus peer review, until the lead mounts apps.reviews.urls at /reviews/."""

from django.urls import include, path

from courseplatform.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *[p for p in project_urlpatterns if str(p.pattern) != "reviews/"],
    path("reviews/", include("apps.reviews.urls")),
]
