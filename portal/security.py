"""Security headers the portal adds to every response (docs/security.md).

Content-Security-Policy comes from django-csp (``CONTENT_SECURITY_POLICY`` in settings); this
module only lets the admin be framed by itself, which Wagtail's live preview needs, and adds
``Permissions-Policy``, which Django does not set.
"""

import json

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def admin_prefix():
    return reverse("wagtailadmin_home")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; under the admin, and on the page previews the admin renders
    (Wagtail runs them through the middleware as "dummy" requests for the page's own URL),
    frame-ancestors 'self' instead of 'none', so the editor can show its preview panel
    (a same-origin iframe)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin_preview = getattr(request, "is_dummy", False) or getattr(request, "is_preview", False)
        if admin_preview or request.path_info.startswith(admin_prefix()):
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


# Characters that must not appear raw inside <script>: the same escapes as Django's
# json_script, so "</script>" in a value cannot end the block.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def admin_init_script(name, args, construct=False):
    """``<script type="application/json" data-portal-init="name">[args]</script>``: a call
    that portal/static/portal/js/admin-init.js makes (``new name(*args)`` when ``construct``).
    Wagtail writes these calls as inline scripts, which the policy refuses; a JSON block is
    data, not script, so it needs no 'unsafe-inline'."""
    payload = json.dumps(list(args), cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/json" data-portal-init="{}"{}>{}</script>',
        name,
        mark_safe(" data-new") if construct else "",
        mark_safe(payload),  # noqa: S308 - JSON with <, > and & escaped, as json_script does
    )


def render_chooser_without_inline_script(self, name, value, attrs=None, renderer=None):
    """Wagtail's ``BaseChooser.render`` (the page, document, image, snippet and task
    choosers), writing its ``new Chooser(id, options)`` call as data for admin-init.js
    instead of an inline script. Installed by PortalConfig.ready()."""
    from wagtail.admin.widgets.chooser import BaseChooser
    from wagtail.admin.widgets.workflows import AdminTaskChooser

    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as e:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from e
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    if isinstance(self, AdminTaskChooser):
        init = admin_init_script("createTaskChooser", [id_])
    elif type(self).render_js_init is BaseChooser.render_js_init:
        options = self.get_js_init_options(id_, name, value_data)
        init = admin_init_script(self.js_constructor, [id_, options], construct=True)
    else:  # a chooser with its own start-up code: Wagtail's way (the policy will say so)
        return _wagtail_chooser_render(self, name, value, attrs, renderer)
    return format_html("{}{}", widget_html, init)


_wagtail_chooser_render = None


def install_admin_patches():
    """Called once from PortalConfig.ready(): choosers write data, not inline scripts."""
    global _wagtail_chooser_render
    from wagtail.admin.widgets.chooser import BaseChooser

    if _wagtail_chooser_render is None:
        _wagtail_chooser_render = BaseChooser.render
        BaseChooser.render = render_chooser_without_inline_script
