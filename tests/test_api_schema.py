"""Every answer of /api/v1/ conforms to its own OpenAPI 3.1 document: schemathesis generates
requests from /api/v1/openapi.json (valid ones, and invalid ones that must be refused with a
4xx) for every operation, calls the portal in-process through WSGI, and checks each response
(no 500, declared status code, declared content type, body valid against the schema).

Examples per operation are few, so that CI stays fast; the corpus holds every record type."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.generation import GenerationMode

from portal.models import CooperationProject, HomePage, Region
from tests.factories_events import make_study_visit
from tests.factories_policy import make_plan, make_plan_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(corpus, settings):
    # The rate limit is tested in tests/test_api.py; here it would only cut the run short.
    settings.PORTAL_RATE_LIMITS = {"api": None}
    home = HomePage.objects.first()
    make_plan(
        make_plan_index(home),
        project=CooperationProject.objects.first(),
        region=Region.objects.first(),
        actions=[{"title": "Open a day centre", "budget": 50_000}],
    )
    make_study_visit(title="Study visit to Milan", summary="Social caretakers at work.")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=12
    )
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_conforms_to_the_document(case):
    case.call_and_validate()
