"""When the database refuses to work: which errors mean "try again later", and the 503 page
every view answers with then."""

import logging

from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Locked past the busy timeout or read-only (SQLite), server gone or connection lost
# (InterfaceError, OperationalError), a read-only PostgreSQL standby or transaction
# (psycopg reports it as InternalError). Not IntegrityError or DataError: those are bugs.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, InternalError)

# A minute is long enough for a restart or a lock to clear, short enough not to lose visitors.
RETRY_AFTER_SECONDS = 60


def unavailable_response(request):
    """The "try again in a moment" page, rendered without touching the database (no site
    settings, menus or session)."""
    response = HttpResponse(
        render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Any view that the database fails answers 503 with Retry-After instead of a 500. Django
    closes the broken connection at the end of the request, so the next one reconnects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.error("Database unavailable for %s: %s", request.path, exception)
            return unavailable_response(request)
        return None
