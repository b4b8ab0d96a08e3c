from django.contrib import admin
from django.urls import include, path

from apps.accounts.views import admin_login

admin.site.site_header = "Cohort courses administration"
admin.site.site_title = "Cohort courses admin"
# One way in: the admin signs people in through allauth's page and its limits.
admin.site.login = admin_login

urlpatterns = [
    path("", include("apps.home.urls")),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("apps.accounts.urls")),
    path("courses/", include("apps.courses.urls")),
    path("rounds/", include("apps.rounds.urls")),
    path("cohorts/", include("apps.cohorts.urls")),
    path("grouping/", include("apps.grouping.urls")),
    path("work/", include("apps.submissions.urls")),
    path("grading/", include("apps.grading.urls")),
    path("certificates/", include("apps.certificates.urls")),
    path("progress/", include("apps.progress.urls")),
    path("plans/", include("apps.plans.urls")),
    path("reviews/", include("apps.reviews.urls")),
    path("feedback/", include("apps.feedback.urls")),
    path("analytics/", include("apps.analytics.urls")),
    path("admissions/", include("apps.admissions.urls")),
    path("reminders/", include("apps.reminders.urls")),
    path("demo/", include("apps.demo.urls")),
]
