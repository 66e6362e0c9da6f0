"""Every answer of /api/v1/ conforms to its own OpenAPI 3.1 document: schemathesis generates
requests from /api/v1/openapi.json for every operation (valid ones, and invalid ones that
must be refused with a 4xx), calls the portal in-process through WSGI, and checks each
response: no 500, a documented status code and content type, a body valid against the
document's schema.

Examples per operation are few, so that CI stays fast; the corpus holds every record type.
(schemathesis's own pytest loader ``from_fixture`` does not run under pytest 9, hence the
strategies driven by hypothesis here.)"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from portal.models import CooperationProject, HomePage, Region
from tests.factories_events import make_study_visit
from tests.factories_policy import make_plan, make_plan_index

pytestmark = pytest.mark.django_db

RECORD_PATHS = ["practices", "events", "projects", "regions", "organisations", "action-plans"]
OPERATIONS = [f"/api/v1/{path}/" for path in RECORD_PATHS]
OPERATIONS += [f"/api/v1/{path}/{{id}}/" for path in RECORD_PATHS]
EXAMPLES = 10


@pytest.fixture
def wsgi_application():
    """The portal's WSGI application, minus the end-of-request connection closing that
    Django's own test client also switches off: the test's transaction (and on PostgreSQL its
    connection) must outlive each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(corpus, settings, wsgi_application):
    # The rate limit is tested in tests/test_api_records.py; here it would cut the run short.
    settings.PORTAL_RATE_LIMITS = {"api": None}
    make_plan(
        make_plan_index(HomePage.objects.first()),
        project=CooperationProject.objects.first(),
        region=Region.objects.first(),
        actions=[{"title": "Open a day centre", "budget": 50_000}],
    )
    make_study_visit(title="Study visit to Milan", summary="Social caretakers at work.")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_application)


def test_the_document_lists_these_operations(api_schema):
    assert sorted(api_schema.raw_schema["paths"]) == sorted(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", OPERATIONS)
def test_every_answer_conforms_to_the_document(api_schema, path, mode):
    operation = api_schema[path]["GET"]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        case.call_and_validate()

    check()
