"""/api/v1/: the API's operations (portal/api.py), each wrapped in what every public answer of
the API gets (docs/api.md):

- GET and HEAD only (OPTIONS answers a CORS preflight); anything else is a JSON 405;
- the "api" rate limit (portal/ratelimit.py): 429 with Retry-After, in JSON;
- ``Access-Control-Allow-Origin: *``: read-only public data, any site may fetch it;
- ``ETag`` (a digest of the body) and ``Last-Modified`` (the newest record shown, when the
  type knows it), answering ``If-None-Match`` / ``If-Modified-Since`` with 304, and
  ``Cache-Control: public, max-age=60``.
"""

import hashlib
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.urls import URLPattern, re_path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .api import build_api
from .ratelimit import limit_exceeded

SAFE_METHODS = ("GET", "HEAD")
CACHE_SECONDS = 60
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
    "Access-Control-Max-Age": "86400",
}


def _cors(response):
    for header, value in CORS_HEADERS.items():
        response.headers.setdefault(header, value)
    return response


def _error(message, status):
    return _cors(JsonResponse({"detail": message}, status=status))


def _conditional(request, response):
    """ETag and Last-Modified on a successful answer, and the 304 when the client holds it."""
    if response.status_code != 200 or response.streaming:
        return response
    etag = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
    response["ETag"] = etag
    last_modified = getattr(request, "api_last_modified", None)
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    response.headers.setdefault("Vary", "Accept-Language")
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    return not_modified


def public_api_view(view):
    """Wrap one of the API's views (see the module docstring)."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = "GET, HEAD, OPTIONS"
            return _cors(response)
        if request.method not in SAFE_METHODS:
            response = _error(_("Method not allowed."), 405)
            response["Allow"] = ", ".join(SAFE_METHODS)
            return response
        denied = limit_exceeded(request, "api", json=True)
        if denied is not None:
            return _cors(denied)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"  # ninja routes GET; the body is dropped below
        response = _conditional(request, view(request, *args, **kwargs))
        for header, value in getattr(request, "api_headers", {}).items():
            response[header] = value
        if head:
            request.method = "HEAD"
            if not response.streaming:
                response.content = b""
        return _cors(response)

    return wrapped


def not_found(request, *args, **kwargs):
    return _error(_("Not found."), 404)


api = build_api()
_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    if isinstance(_pattern, URLPattern):
        _pattern.callback = public_api_view(_pattern.callback)

app_name = "api"
urlpatterns = [
    *_patterns,
    # Anything else under the API answers in JSON too, not with the site's HTML 404 page
    # (newlines in the address included, which "." does not match).
    re_path(r"^(?:[\s\S]*/)?$", public_api_view(not_found)),
]
