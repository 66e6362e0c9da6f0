# ruff: noqa: F811  (the fixtures world and chain are imported from test_policy_learning)
"""Policy learning beyond the plan page, over HTTP: the "learned from" map (portal-wide and
on project pages), project progress, region pages, the downloads, action plans in search,
recommendations on the workshop's page, and the admin explorer's view of draft plans."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import RegionFactory, make_practice
from tests.factories_policy import make_plan
from tests.factories_roles import make_author, make_coordinator
from tests.test_policy_learning import _count, chain, world  # noqa: F401

D = datetime.date


def _map_url(chain):
    index = chain["index"]
    return index.url + index.reverse_subpage("learned_from")


def test_learned_from_map_draws_an_arrow_per_pair_of_regions(client, chain):
    """Bihor's practice and the workshop (no host region) taught Castilla: one arrow from
    Bihor to Castilla, linked to the action, and the same link in the text list."""
    html = client.get(_map_url(chain)).content.decode()
    action = chain["plan"].actions.get()
    action_url = f"{chain['plan'].url}#action-{action.pk}"
    assert html.count('<a class="edge"') == 1
    assert f'<a class="edge" href="{action_url}" data-source="bihor"' in html
    assert 'data-target="castilla"' in html
    assert html.count('<a class="node"') == 2
    # The text list for screen readers holds the same link, with what it was learned from.
    listing = html[html.index('class="learned-from-list"') :]
    assert f'href="{action_url}">Outreach pilot</a>' in listing
    assert f'href="{chain["practice"].url}">Proactive case work</a>' in listing


def test_drafting_plans_draw_no_arrow(client, chain):
    chain["plan"].plan_status = "drafting"
    chain["plan"].save_revision().publish()
    html = client.get(_map_url(chain)).content.decode()
    assert '<a class="edge"' not in html and "Outreach pilot" not in html


def test_project_page_shows_progress_map_and_downloads(client, chain):
    other = RegionFactory(country=chain["country"], name="Timis")
    make_plan(
        chain["index"],
        project=chain["project"],
        region=other,
        actions=[
            {"title": "Done one", "history": [("planned", D(2025, 1, 1)), ("done", D(2025, 5, 1))]},
            {"title": "Dropped one", "history": [("dropped", D(2025, 2, 1))]},
            {"title": "Learned", "practices": [chain["practice"]]},
        ],
    )
    make_plan(  # a drafting plan counts for nothing
        chain["index"],
        project=chain["project"],
        region=RegionFactory(country=chain["country"]),
        plan_status="drafting",
        actions=[{"title": "Secret"}],
    )
    html = client.get(chain["project"].get_absolute_url()).content.decode()
    assert "Action plans: progress across partner regions" in html
    table = html[html.index('class="data-table project-progress"') :]
    table = table[: table.index("</table>")]
    # Castilla: 1 started, 1 instrument change; Timis: 1 planned, 1 done, 1 dropped.
    # Columns: planned, started, done, dropped, all, instrument changes.
    assert "<td>0</td><td>1</td><td>0</td><td>0</td><td>1</td><td>1</td>" in table
    assert "<td>1</td><td>0</td><td>1</td><td>1</td><td>3</td><td>0</td>" in table
    assert "<td>1</td><td>1</td><td>1</td><td>1</td><td>4</td><td>1</td>" in table  # totals
    assert "Management improved: Social services strategy" in html
    assert "Secret" not in html
    # Bihor → Castilla and Bihor → Timis.
    assert html.count('<a class="edge"') == 2
    csv_url = chain["index"].url + chain["index"].reverse_subpage(
        "project_actions", args=(chain["project"].slug, "csv")
    )
    assert f'href="{csv_url}"' in html


def test_project_downloads_csv_and_xlsx(client, chain):
    index, project = chain["index"], chain["project"]
    base = index.url + index.reverse_subpage("project_actions", args=(project.slug, "csv"))
    response = client.get(base)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0][:3] == ["Project", "Region", "Country"]
    [row] = rows[1:]
    header = rows[0]
    assert row[header.index("Action")] == "Outreach pilot"
    assert row[header.index("Status")] == "Started"
    assert row[header.index("Learned from practices")] == "Proactive case work"
    assert row[header.index("Kind of change")] == "Management improved"

    response = client.get(base.replace("/csv/", "/xlsx/"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.getvalue()))  # streamed from a file
    sheet, about = workbook.worksheets
    assert sheet.freeze_panes == "A2"
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0] == header
    row = dict(zip(header, values[1], strict=True))
    assert row["Start"] is None and isinstance(row["Status since"], datetime.datetime)
    assert row["Date of the change"].date() == D(2025, 9, 30)
    assert about["A1"].value == "What" and "NEAR" in about["B1"].value

    assert client.get(base.replace("/csv/", "/pdf/")).status_code == 404
    assert client.get(base.replace(project.slug, "no-such-project")).status_code == 404


def test_project_download_queries_do_not_grow(client, chain):
    index, project = chain["index"], chain["project"]
    url = index.url + index.reverse_subpage("project_actions", args=(project.slug, "csv"))
    few = _count(client, url)
    few_page = _count(client, project.get_absolute_url())
    for n in range(3):
        make_plan(
            index,
            project=project,
            region=RegionFactory(country=chain["country"]),
            actions=[
                {"title": f"Action {n}-{m}", "practices": [chain["practice"]]} for m in range(3)
            ],
        )
    assert _count(client, url) <= few
    assert _count(client, project.get_absolute_url()) <= few_page
    assert _count(client, _map_url(chain)) <= few_page


def test_plan_pdf_and_csv(client, chain):
    plan = chain["plan"]
    response = client.get(plan.url + plan.reverse_subpage("pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(plan.url + plan.reverse_subpage("csv"))
    text = response.content.decode()
    assert "Outreach pilot" in text and "Pilot proactive outreach in two districts." in text
    html = client.get(plan.url).content.decode()
    assert f'href="{plan.url}pdf/"' in html and f'href="{plan.url}csv/"' in html

    plan.plan_status = "drafting"
    plan.save_revision().publish()
    assert client.get(plan.url + plan.reverse_subpage("pdf")).status_code == 404
    assert client.get(plan.url + plan.reverse_subpage("csv")).status_code == 404


def test_region_page_shows_instruments_plans_and_learning(client, chain):
    html = client.get(chain["region"].get_absolute_url()).content.decode()
    assert "Social services strategy" in html
    assert f'href="{chain["plan"].url}"' in html
    assert "What Castilla learned from whom" in html
    action = chain["plan"].actions.get()
    assert f'href="{chain["plan"].url}#action-{action.pk}"' in html
    # And the region it learned from says who learned from it.
    html = client.get(chain["other_region"].get_absolute_url()).content.decode()
    assert "Who learned from Bihor" in html and "Outreach pilot" in html


def test_region_page_queries_do_not_grow(client, chain):
    few = _count(client, chain["other_region"].get_absolute_url())
    for n in range(3):
        make_plan(
            chain["index"],
            project=chain["project"],
            region=RegionFactory(country=chain["country"]),
            actions=[{"title": f"A{n}{m}", "practices": [chain["practice"]]} for m in range(3)],
        )
    assert _count(client, chain["other_region"].get_absolute_url()) <= few


def test_workshop_page_shows_recommendations_and_the_actions_taking_them_up(client, chain):
    html = client.get(chain["event"].url).content.decode()
    assert "What the peers recommended" in html
    assert "Pilot proactive outreach in two districts." in html
    action = chain["plan"].actions.get()
    assert f'href="{chain["plan"].url}#action-{action.pk}">Outreach pilot</a>' in html
    chain["plan"].plan_status = "drafting"
    chain["plan"].save_revision().publish()
    html = client.get(chain["event"].url).content.decode()
    assert "Pilot proactive outreach" in html and "Outreach pilot" not in html


def test_action_plans_are_searchable_drafts_never(client, chain):
    response = client.get("/search/", {"q": "outreach", "type": "action-plan"})
    assert [h.title for h in response.context["hits"]] == [chain["plan"].title]
    chain["plan"].plan_status = "drafting"
    chain["plan"].save_revision().publish()
    response = client.get("/search/", {"q": "outreach", "type": "action-plan"})
    assert response.context["hits"] == []
    draft = make_plan(
        chain["index"],
        project=chain["project"],
        region=RegionFactory(country=chain["country"]),
        actions=[{"title": "Unheard-of zeppelin service"}],
        plan_status="drafting",
    )
    assert draft.live
    assert client.get("/search/", {"q": "zeppelin"}).context["hits"] == []


@pytest.mark.parametrize("live", [True, False])
def test_explorer_hides_other_regions_draft_plans(client, world, live):
    from portal.models import Organisation

    own_org = Organisation.objects.create(
        name="Castilla services", country=world["country"], region=world["region"]
    )
    author = make_author(own_org)
    common = {"project": world["project"], "plan_status": "drafting", "publish": live}
    make_plan(world["index"], region=world["region"], title="Own draft plan", **common)
    make_plan(world["index"], region=world["other_region"], title="Their draft plan", **common)
    make_plan(
        world["index"],
        region=RegionFactory(country=world["country"]),
        project=world["project"],
        title="Their endorsed plan",
    )
    url = reverse("wagtailadmin_explore", args=(world["index"].pk,))
    client.force_login(author)
    html = client.get(url).content.decode()
    assert "Own draft plan" in html and "Their endorsed plan" in html
    assert "Their draft plan" not in html
    assert "Their draft plan" not in client.get(url, {"q": "draft"}).content.decode()
    client.force_login(make_coordinator(world["project"]))
    html = client.get(url).content.decode()
    assert "Own draft plan" in html and "Their draft plan" in html


def test_practice_of_a_subregion_teaches_from_the_broader_region(client, chain):
    """A practice in Castilla y León and León draws its arrow from Castilla y León only."""
    from policy_learning.graph import where_it_took_place

    broad = RegionFactory(country=chain["country"], name="Broad", nuts_code="ES41")
    inner = RegionFactory(country=chain["country"], name="Inner", nuts_code="ES413")
    loose = RegionFactory(country=chain["country"], name="Loose", nuts_code="")
    assert where_it_took_place([inner, broad, loose]) == [broad, loose]
    practice = make_practice(
        chain["practice"].get_parent(), title="Nested practice", country=chain["country"]
    )
    practice.regions.set([broad, inner])
    practice.save()
    make_plan(
        chain["index"],
        project=chain["project"],
        region=RegionFactory(country=chain["country"], name="Learner"),
        actions=[{"title": "Nested learning", "practices": [practice]}],
    )
    html = client.get(_map_url(chain)).content.decode()
    assert 'data-source="broad"' in html and 'data-source="inner"' not in html
