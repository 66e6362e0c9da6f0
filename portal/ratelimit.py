"""Rate limits: one decorator for every limited view, answering 429 with Retry-After.

The counting is django-ratelimit's (``get_usage``: a fixed window per client in the shared
cache, staggered per key); this module adds what it leaves to the project: the figures come
from ``settings.PORTAL_RATE_LIMITS`` by group name, the client is identified by
``client_ip`` (which reads X-Forwarded-For only behind a trusted proxy), and an exceeded
limit answers ``429 Too Many Requests`` with a ``Retry-After`` header in seconds and a
friendly page (JSON for the API). django-axes' lockout page for the admin login uses the same
response (``lockout_response``). See docs/security.md.
"""

import math
from functools import wraps
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

DEFAULT_RATE_LIMITS = {
    # Public JSON API (/api/v1/...), per client address.
    "api": "120/m",
    # CSV downloads of search results and comparisons, peer-review answers (CSV, XLSX).
    "downloads": "20/m",
    # Revealing a practice contact's e-mail address (POST).
    "contact": "10/m",
    # Personal invitation links (/t/<token>/), GET and POST: guessing tokens costs time.
    "tokens": "30/m",
    # Password forms that are not a login (page view-restriction password, password change
    # and reset in the admin); the admin login itself is django-axes' job.
    "passwords": "10/15m",
}

TEMPLATE = "portal/too_many_requests.html"


def rate_for(group):
    """The rate of a group ("N/period", e.g. "120/m"), settings first, then the default;
    None switches the limit off."""
    limits = {**DEFAULT_RATE_LIMITS, **getattr(settings, "PORTAL_RATE_LIMITS", {})}
    return limits[group]


def _valid_ip(value):
    try:
        return str(ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address: REMOTE_ADDR, or, when the portal runs behind
    ``PORTAL_TRUSTED_PROXY_COUNT`` reverse proxies that append to X-Forwarded-For, the address
    the outermost trusted proxy saw. Without the setting, X-Forwarded-For is ignored: anyone
    can send it."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "PORTAL_TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
        ]
        # Each trusted proxy appended the address it received from; the last proxy's entry
        # is REMOTE_ADDR, so the client is `proxies` entries from the end of the header.
        if len(forwarded) >= proxies:
            found = _valid_ip(forwarded[-proxies])
            if found:
                return found
    return _valid_ip(remote) or remote or "unknown"


def axes_client_ip(request):
    """``client_ip`` for django-axes, which stores the address in a GenericIPAddressField:
    a request without a valid address (no REMOTE_ADDR, e.g. behind a Unix socket, or the test
    client's ``force_login``) is recorded as NULL; PostgreSQL refuses "unknown"."""
    return _valid_ip(client_ip(request))


def _key(group, request):
    return client_ip(request)


def retry_after_response(request, retry_after, json=False):
    """The 429 answer: a friendly page (or JSON) and Retry-After in whole seconds."""
    seconds = max(1, math.ceil(retry_after))
    minutes = max(1, math.ceil(seconds / 60))
    message = _("Too many requests from your address. Please try again in %(seconds)d s.") % {
        "seconds": seconds
    }
    if json:
        response = JsonResponse({"detail": message, "retry_after": seconds}, status=429)
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response = TemplateResponse(
            request,
            TEMPLATE,
            {"seconds": seconds, "minutes": minutes, "locked_out": False},
            status=429,
        ).render()
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def limit_exceeded(request, group, json=False):
    """Count this request against ``group``; the 429 response if it is over the limit,
    else None."""
    rate = rate_for(group)
    if not rate:
        return None
    usage = get_usage(request, group=f"portal.{group}", key=_key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return retry_after_response(request, usage["time_left"], json=json)


def rate_limit(group, methods=None, when=None, json=False):
    """Decorate a view (a function, or a method such as a RoutablePage route: the request is
    found among the arguments) so that requests beyond the group's rate answer 429.

    ``methods``: only these HTTP methods count (default: all); ``when(request)``: only
    requests it accepts count (e.g. the CSV format of a page that is also HTML)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            request = next(a for a in args if isinstance(a, HttpRequest))
            counts = (methods is None or request.method in methods) and (
                when is None or when(request)
            )
            if counts:
                denied = limit_exceeded(request, group, json=json)
                if denied is not None:
                    return denied
            return view(*args, **kwargs)

        return wrapped

    return decorator


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): the same friendly 429 page, saying
    the account is locked, with Retry-After set to the cool-off time."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    seconds = max(1, math.ceil(cool_off.total_seconds())) if cool_off else 0
    response = TemplateResponse(
        request,
        TEMPLATE,
        {"seconds": seconds, "minutes": max(1, math.ceil(seconds / 60)), "locked_out": True},
        status=429,
    ).render()
    if seconds:
        response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


# Wagtail's views with a password form that is not the admin login (django-axes guards
# that one, and AxesMiddleware answers its lockout): a POST to any of them counts against
# the "passwords" group.
PASSWORD_FORM_VIEWS = {
    "wagtailcore_authenticate_with_password",
    "wagtailadmin_account",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_confirm",
}


def limit_password_forms(patterns):
    """Wrap the callbacks of PASSWORD_FORM_VIEWS found in these URL patterns (recursively,
    the way Wagtail's own decorate_urlpatterns does) in the "passwords" rate limit. Wagtail's
    views stay where Wagtail put them, with its own decorators; running twice wraps once."""
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            limit_password_forms(pattern.url_patterns)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name in PASSWORD_FORM_VIEWS
            and not getattr(pattern.callback, "portal_rate_limited", False)
        ):
            limited = rate_limit("passwords", methods=("POST",))(pattern.callback)
            limited.portal_rate_limited = True
            pattern.callback = limited
