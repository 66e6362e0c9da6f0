"""Security headers the portal adds to every response (docs/security.md).

Content-Security-Policy comes from django-csp (``CONTENT_SECURITY_POLICY`` in settings); this
module only lets the admin be framed by itself, which Wagtail's live preview needs, and adds
``Permissions-Policy``, which Django does not set.
"""

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse


def admin_prefix():
    return reverse("wagtailadmin_home")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; under the admin, frame-ancestors 'self' instead of 'none', so
    the page editor can show its preview (same-origin iframe)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(admin_prefix()):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts


def permissions_policy_header(policy):
    """``{"camera": [], "fullscreen": ["self"]}`` → ``camera=(), fullscreen=(self)``."""
    return ", ".join(
        f"{feature}=({' '.join(origins)})" for feature, origins in sorted(policy.items())
    )


class PermissionsPolicyMiddleware:
    """Switches off the browser features in ``PERMISSIONS_POLICY`` for every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
