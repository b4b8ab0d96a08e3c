"""The Permissions-Policy header: browser features no page of this site uses are switched off.

Django sets the other security headers itself (SecurityMiddleware), and django-csp sets the
Content-Security-Policy; nothing in either covers this one, and it is a single fixed header.
"""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Built once at start-up. An empty list gives `camera=()`: no origin, this one
        # included, may use it.
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
