"""Policy learning over HTTP and the admin: authoring action plans with validation, who sees
drafting plans, the chain practice → action → recommendation → instrument change →
indicator and back, query counts, recommendations as records, and the demo content."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from peer_reviews.models import Recommendation, RecommendationsReport
from policy_learning.models import ActionPlanPage, Indicator, PolicyInstrument
from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    OrganisationFactory,
    RegionFactory,
    make_practice,
)
from tests.factories_events import make_event_index, make_workshop
from tests.factories_policy import make_instrument, make_plan, make_plan_index
from tests.factories_reviews import make_worksheet
from tests.factories_roles import make_author, make_coordinator, make_validator

D = datetime.date


@pytest.fixture
def world(practice_index):
    country = CountryFactory()
    region = RegionFactory(country=country, name="Castilla")
    other_region = RegionFactory(country=country, name="Bihor")
    project = CooperationProjectFactory(acronym="NEAR")
    practice = make_practice(practice_index, title="Proactive case work", country=country)
    practice.regions.set([other_region])
    practice.save()  # the regions are a ParentalManyToManyField: saved with the page
    return {
        "home": practice_index.get_parent(),
        "index": make_plan_index(practice_index.get_parent()),
        "country": country,
        "region": region,
        "other_region": other_region,
        "project": project,
        "practice": practice,
        "instrument": make_instrument(region, name="Social services strategy"),
    }


def _add_url(index):
    return reverse("wagtailadmin_pages:add", args=("policy_learning", "actionplanpage", index.pk))


def _plan_data(world, actions=(), indicators=(), **fields):
    data = nested_form_data(
        {
            "title": "Plan of Castilla",
            "slug": "plan-of-castilla",
            "project": world["project"].pk,
            "region": world["region"].pk,
            "plan_status": "endorsed",
            "context": rich_text("<p>Why we act.</p>"),
            "actions": inline_formset(list(actions)),
            "indicators": inline_formset(list(indicators)),
            "comments": inline_formset([]),
            **fields,
        }
    )
    # A multiple choice is a list of values (nested_form_data would number it).
    data["instruments"] = [world["instrument"].pk]
    return data


def _action(**fields):
    return {
        "title": "Outreach pilot",
        "start_date": "2025-04-01",
        "end_date": "2026-06-30",
        "budget": "1000",
        "funding_source": "Regional budget",
        "status_history": inline_formset([{"status": "planned", "date": "2025-03-01"}]),
        **fields,
    }


# -- authoring in the admin ------------------------------------------------------------------


def test_admin_refuses_bad_rows_and_keeps_what_was_typed(admin_client, world):
    bad_action = _action(
        title="Typed action title",
        start_date="2026-01-01",
        end_date="2025-01-01",
        budget="-5",
        change_kind="management",
    )
    bad_indicator = {
        "name": "Households reached",
        "unit": "households",
        "baseline_value": "0",
        "baseline_date": "2025-03-31",
        "target_value": "400",
        "target_date": "2025-01-01",
        "values": inline_formset([{"value": "10", "date": ""}]),
    }
    response = admin_client.post(
        _add_url(world["index"]), _plan_data(world, [bad_action], [bad_indicator])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end must not be before the start." in html
    assert "Ensure this value is greater than or equal to 0." in html
    assert "Choose the policy instrument that changed." in html
    assert "Give the evidence of the change" in html
    assert "The target date must follow the baseline." in html
    assert "This field is required." in html  # the undated measured value
    assert "Typed action title" in html
    assert not ActionPlanPage.objects.exists()


def test_admin_creates_a_plan_then_refuses_a_second_for_the_same_region(admin_client, world):
    response = admin_client.post(
        _add_url(world["index"]),
        _plan_data(world, [_action()], **{"action-publish": "Publish"}),
    )
    assert response.status_code == 302
    plan = ActionPlanPage.objects.get()
    assert plan.live and plan.actions.get().current_status.status == "planned"
    assert list(plan.instruments.all()) == [world["instrument"]]

    response = admin_client.post(
        _add_url(world["index"]), _plan_data(world, [], slug="another-plan")
    )
    assert response.status_code == 200
    assert "This region already has an action plan in this project." in response.content.decode()
    assert ActionPlanPage.objects.count() == 1


def test_indicator_value_dated_before_baseline_is_refused(admin_client, world):
    plan = make_plan(world["index"], project=world["project"], region=world["region"])
    indicator = {
        "name": "Households reached",
        "unit": "households",
        "baseline_value": "0",
        "baseline_date": "2025-03-31",
        "target_value": "400",
        "target_date": "2026-06-30",
        "action": "",
        "values": inline_formset([{"value": "10", "date": "2025-01-01"}]),
    }
    data = _plan_data(world, [], [indicator], slug=plan.slug)
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=(plan.pk,)), data)
    assert response.status_code == 200
    assert "must not be dated before the baseline (2025-03-31)" in response.content.decode()
    assert not Indicator.objects.exists()


def test_partner_author_may_not_write_another_regions_plan(client, world):
    organisation = OrganisationFactory(country=world["country"], region=world["other_region"])
    author = make_author(organisation)
    client.force_login(author)
    response = client.post(_add_url(world["index"]), _plan_data(world, [_action()]))
    assert response.status_code == 200
    assert "of your organisation&#x27;s region only" in response.content.decode()
    assert not ActionPlanPage.objects.exists()
    # Their own region is fine.
    data = _plan_data(world, [_action()], region=world["other_region"].pk)
    assert client.post(_add_url(world["index"]), data).status_code == 302
    assert ActionPlanPage.objects.get().region == world["other_region"]


def test_instrument_admin_validates_period_and_place(admin_client, world):
    url = reverse("wagtailsnippets_policy_learning_policyinstrument:add")
    response = admin_client.post(
        url,
        {
            "name": "Typed instrument",
            "kind": "law",
            "region": "",
            "country": "",
            "period_start": "2027",
            "period_end": "2021",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the region, or the country of a national instrument." in html
    assert "The period must not end before it starts." in html
    assert "Typed instrument" in html
    assert PolicyInstrument.objects.count() == 1


# -- public visibility -----------------------------------------------------------------------


def test_drafting_plans_stay_out_of_public_view(client, world):
    action = {"title": "Secret draft action", "practices": [world["practice"]]}
    drafting = make_plan(
        world["index"],
        project=world["project"],
        region=world["region"],
        plan_status="drafting",
        actions=[action],
    )
    assert client.get(drafting.url).status_code == 404
    assert drafting.title.encode() not in client.get(world["index"].url).content
    assert b"Secret draft action" not in client.get(world["practice"].url).content
    client.force_login(make_validator())
    assert client.get(drafting.url).status_code == 200

    drafting.plan_status = "endorsed"
    drafting.save_revision().publish()
    client.logout()
    assert client.get(drafting.url).status_code == 200
    assert drafting.title.encode() in client.get(world["index"].url).content
    assert b"Secret draft action" in client.get(world["practice"].url).content


# -- the chain and back ------------------------------------------------------------------------


@pytest.fixture
def chain(world):
    event = make_workshop(
        make_event_index(world["home"]), title="Peer review in Castilla", project=world["project"]
    )
    worksheet = make_worksheet(event)
    report = RecommendationsReport.objects.create(worksheet=worksheet, synthesis="Act early.")
    recommendation = Recommendation.objects.create(
        report=report,
        text="Pilot proactive outreach in two districts.",
        priority="high",
        response="accepted",
        response_date=D(2025, 3, 10),
    )
    plan = make_plan(
        world["index"],
        project=world["project"],
        region=world["region"],
        instruments=[world["instrument"]],
        actions=[
            {
                "title": "Outreach pilot",
                "practices": [world["practice"]],
                "events": [event],
                "recommendations": [recommendation],
                "history": [("planned", D(2025, 3, 1)), ("started", D(2025, 4, 1))],
                "changed_instrument": world["instrument"],
                "change_kind": "management",
                "change_date": D(2025, 9, 30),
                "change_evidence": "Early outreach is now a measure of the operating plan.",
            }
        ],
        indicators=[
            {
                "name": "Households reached",
                "unit": "households",
                "baseline_value": 0,
                "target_value": 400,
                "action": 0,
                "values": [(60, D(2025, 6, 30)), (170, D(2025, 9, 30)), (265, D(2025, 12, 31))],
            }
        ],
    )
    return {**world, "plan": plan, "event": event, "recommendation": recommendation}


def test_chain_from_practice_to_indicator_and_back(client, chain):
    practice_html = client.get(chain["practice"].url).content.decode()
    assert "Inspired actions in other regions" in practice_html
    action = chain["plan"].actions.get()
    link = f"{chain['plan'].url}#action-{action.pk}"
    assert link in practice_html
    assert "Started" in practice_html and "Castilla" in practice_html

    response = client.get(chain["plan"].url)
    html = response.content.decode()
    # Learned from: the practice, the event and the recommendation, each linked.
    assert f'href="{chain["practice"].url}"' in html
    assert f'href="{chain["event"].url}"' in html
    assert "Pilot proactive outreach in two districts." in html
    assert "Accepted" in html
    # The instrument change with its evidence, linked to the indicator chart.
    assert "Management improved: Social services strategy" in html
    assert "Early outreach is now a measure of the operating plan." in html
    indicator = Indicator.objects.get()
    assert f'href="#indicator-{indicator.pk}"' in html
    # The chart: SVG with the baseline, three values and the target, and the same numbers
    # as a table; the chart links back to its action.
    chart = html[html.index(f'id="indicator-{indicator.pk}"') :]
    assert chart.count("<circle") == 5
    # Dates in the reader's format (British English here: "1 Jan 2025").
    for number, day in [("0", "1 Jan 2025"), ("60", "30 Jun 2025"), ("265", "31 Dec 2025")]:
        assert f"<td>{day}</td><td>{number}</td>" in chart
    assert "<td>1 Jan 2026</td><td>400</td>" in chart
    assert f'href="#action-{action.pk}"' in chart
    # The timeline keeps every status change.
    assert '"2025-03-01">1 Mar 2025</time>: Planned' in html
    assert '"2025-04-01">1 Apr 2025</time>: Started' in html


def test_recommendations_on_the_report_page(client, chain):
    worksheet = chain["recommendation"].report.worksheet
    client.force_login(make_coordinator(chain["project"]))
    response = client.get(worksheet.url + worksheet.reverse_subpage("report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recommendations and the host" in html
    assert "Pilot proactive outreach in two districts." in html
    assert "Act early." in html  # the synthesis is kept


def test_recommendation_admin_is_scoped_and_validated(client, chain):
    recommendation = chain["recommendation"]
    edit_url = reverse(
        "wagtailsnippets_peer_reviews_recommendation:edit", args=(recommendation.pk,)
    )
    outsider = make_coordinator(CooperationProjectFactory())
    client.force_login(outsider)
    denied = client.get(edit_url)  # Wagtail's admin answers a refusal with a redirect home
    assert denied.status_code == 302 and denied.url == reverse("wagtailadmin_home")
    listing = client.get(reverse("wagtailsnippets_peer_reviews_recommendation:list"))
    assert b"Pilot proactive outreach" not in listing.content

    client.force_login(make_coordinator(chain["project"]))
    data = {
        "report": recommendation.report_id,
        "text": recommendation.text,
        "priority": "high",
        "sort_order": "1",
        "response": "rejected",
        "response_reason": "",
        "response_date": "2025-03-10",
    }
    response = client.post(edit_url, data)
    assert response.status_code == 200
    assert "Say why the recommendation is not fully accepted." in response.content.decode()
    data["response_reason"] = "The law requires separate records."
    assert client.post(edit_url, data).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.response == "rejected"


# -- query counts ----------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_plan_page_and_practice_section_queries_do_not_grow(client, chain):
    few_plan = _count(client, chain["plan"].url)
    few_practice = _count(client, chain["practice"].url)
    region = RegionFactory(country=chain["country"])
    spec = {
        "practices": [chain["practice"]],
        "events": [chain["event"]],
        "recommendations": [chain["recommendation"]],
        "history": [("planned", D(2025, 1, 1)), ("done", D(2025, 6, 1))],
    }
    plan = make_plan(
        chain["index"],
        project=chain["project"],
        region=region,
        actions=[dict(spec, title=f"Action {n}") for n in range(6)],
        indicators=[{"values": [(n, D(2025, 6, 1))], "action": n} for n in range(4)],
    )
    client.get("/")  # nothing cached from the first counts matters: the page cache is per URL
    assert _count(client, plan.url) <= few_plan
    assert _count(client, chain["practice"].url) <= few_practice + 1


# -- demo content ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=False)
def test_demo_plans_load_twice_and_show_the_chain(client, db):
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = {p.slug: p.actions.count() for p in ActionPlanPage.objects.all()}
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert {p.slug: p.actions.count() for p in ActionPlanPage.objects.all()} == first
    assert PolicyInstrument.objects.count() == 4
    regions = set(ActionPlanPage.objects.values_list("region__name", flat=True))
    assert {"Castilla y León", "Helsinki-Uusimaa", "Bihor"} <= regions and len(regions) >= 4
    assert set(ActionPlanPage.objects.values_list("project__acronym", flat=True)) == {
        "NEAR",
        "CITICESS",
    }
    assert all(2 <= n <= 4 for n in first.values())
    assert all(ActionPlanPage.objects.values_list("is_example", flat=True))
    taken_up = Recommendation.objects.filter(actions__isnull=False).distinct()
    assert taken_up.count() >= 2
    assert all(r.report.worksheet.get_parent().specific.project.acronym == "NEAR" for r in taken_up)
    indicators = Indicator.objects.all()
    assert indicators and all(i.values.count() == 3 for i in indicators)
    plan = ActionPlanPage.objects.get(slug="citicess-bihor")
    html = client.get(plan.url).content.decode()
    assert "Example action plan." in html
    assert "New project financed" in html and "example evidence" in html
    practice_html = client.get("/practices/pact-proactive-social-inclusion/").content.decode()
    assert "Inspired actions in other regions" in practice_html
    assert "Helsinki-Uusimaa" in practice_html
    _follow_the_demo_chain(client, practice_html)


def _follow_the_demo_chain(client, practice_html):
    """From the seed practice to a region's action that learned from it, the NEAR
    recommendation behind it, the workshop that made it, the instrument change, the
    indicator chart, and back to the practice; then the learned-from map and region page."""
    import re

    # Castilla y León's plan is the practice's own region: the inspired actions are other
    # regions'. The Valencian action learned from PACT; follow the first link of the section.
    section = practice_html[practice_html.index("Inspired actions in other regions") :]
    plan_url, anchor = re.search(r'href="([^"#]+)#(action-\d+)"', section).groups()
    plan_html = client.get(plan_url).content.decode()
    action = plan_html[plan_html.index(f'id="{anchor}"') :]
    action = (
        action[: action.index('<section class="action"', 1)]
        if ('<section class="action"' in action[1:])
        else action
    )
    assert 'href="/practices/pact-proactive-social-inclusion/"' in action

    # Castilla y León's outreach pilot: recommendation, change, chart.
    plan = ActionPlanPage.objects.get(slug="near-castilla-y-leon")
    pilot = plan.actions.get(title__startswith="Proactive outreach pilot")
    html = client.get(plan.url).content.decode()
    block = html[html.index(f'id="action-{pilot.pk}"') :]
    recommendation = pilot.recommendations.order_by("sort_order").first()
    assert recommendation.text in block
    workshop_url = re.search(r'learned-recommendation.*?<a href="([^"]+)"', block, re.S).group(1)
    assert 'href="/practices/pact-proactive-social-inclusion/"' in block  # and back
    change = block[block.index(f'id="action-{pilot.pk}-change"') :]
    assert "Management improved" in change
    indicator = pilot.indicators.get()
    assert f'href="#indicator-{indicator.pk}"' in change
    chart = html[html.index(f'id="indicator-{indicator.pk}"') :]
    assert chart.count("<circle") == 5 and "<td>265</td>" in chart
    assert f'href="#action-{pilot.pk}"' in chart

    # The workshop's page shows the recommendation and the action that took it up.
    workshop = client.get(workshop_url).content.decode()
    assert "What the peers recommended" in workshop and recommendation.text in workshop
    assert f'href="{plan.url}#action-{pilot.pk}"' in workshop

    # The map: an arrow into Helsinki-Uusimaa from Castilla y León, to an action.
    index = plan.get_parent().specific
    graph = client.get(index.url + index.reverse_subpage("learned_from")).content.decode()
    from portal.models import Region

    castilla = Region.objects.get(name="Castilla y León")
    helsinki = Region.objects.get(name="Helsinki-Uusimaa")
    assert f'data-source="{castilla.slug}" data-target="{helsinki.slug}"' in graph
    region = client.get(helsinki.get_absolute_url()).content.decode()
    assert "What Helsinki-Uusimaa learned from whom" in region
    project = client.get(plan.project.get_absolute_url()).content.decode()
    assert "Action plans: progress across partner regions" in project


def test_preview_shows_the_draft_rows(admin_client, world):
    plan = make_plan(
        world["index"],
        project=world["project"],
        region=world["region"],
        actions=[{"title": "Published action"}],
    )
    rows = list(plan.actions.all())
    rows[0].title = "Action as drafted"
    plan.actions = rows
    plan.save_revision()
    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=(plan.pk,)))
    assert response.status_code == 200
    assert b"Action as drafted" in response.content
    assert b"Action as drafted" not in admin_client.get(plan.url).content
