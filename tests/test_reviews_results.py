"""Results, exports and report: figures, bounded queries, safe files, demo content."""

import csv
import io

import pytest
from django.core.management import call_command

from peer_reviews.models import Invitation, PeerReviewWorksheetPage, WorksheetSubmission
from peer_reviews.results import build_results
from tests.factories import make_practice
from tests.factories_reviews import answer, make_invitation, make_user, make_worksheet

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"field_type": "section", "label": "Ratings"},
    {
        "field_type": "rating",
        "label": "Transferability",
        "scale_low_label": "Hard",
        "scale_high_label": "Easy",
    },
    {"field_type": "multiple_choice", "label": "Topics", "choices": "Housing\nWork"},
    {"field_type": "yes_no", "label": "Transfer"},
    {"field_type": "practice", "label": "Practices"},
    {"field_type": "long_text", "label": "Advice"},
]


@pytest.fixture
def organiser(db):
    return make_user(username="organiser")


def fill(worksheet, count, practices, start=0):
    for i in range(start, start + count):
        invitation = make_invitation(worksheet, name=f"P{i:02d}")
        answer(
            worksheet,
            invitation,
            {
                "Transferability": 1 + i % 5,
                "Topics": ["Housing"] if i % 2 else ["Housing", "Work"],
                "Transfer": "yes" if i % 3 else "no",
                "Practices": [p.pk for p in practices],
                "Advice": f'=HYPERLINK("http://evil") advice {i}',
            },
        )


def test_distributions_means_and_practices(site_pages, organiser):
    practices = [make_practice(title="Alpha"), make_practice(title="Beta")]
    worksheet = make_worksheet(questions=QUESTIONS, organisers=[organiser])
    fill(worksheet, 4, practices[:1])  # ratings 1, 2, 3, 4
    fill(worksheet, 1, practices, start=4)  # rating 5
    draft = make_invitation(worksheet, name="Drafting")
    answer(worksheet, draft, {"Transferability": 1}, submit=False)
    make_invitation(worksheet, name="Silent")
    results = build_results(worksheet)
    assert results["progress"] == {"invited": 7, "started": 6, "submitted": 5, "drafts": 1}
    blocks = {b["question"].label: b for b in results["blocks"] if "question" in b}
    rating = blocks["Transferability"]
    assert rating["mean"] == 3.0  # the draft's 1 does not count
    assert [r["count"] for r in rating["distribution"]] == [1, 1, 1, 1, 1]
    assert rating["distribution"][0]["label"] == "1 – Hard"
    topics = {r["value"]: r["count"] for r in blocks["Topics"]["distribution"]}
    assert topics == {"Housing": 5, "Work": 3}
    assert {r["value"]: r["count"] for r in blocks["Transfer"]["distribution"]} == {
        "yes": 3,
        "no": 2,
    }
    assert [(p["practice"].title, p["count"]) for p in blocks["Practices"]["practices"]] == [
        ("Alpha", 5),
        ("Beta", 1),
    ]


def test_results_page_draws_accessible_charts(client, site_pages, organiser):
    worksheet = make_worksheet(questions=QUESTIONS, organisers=[organiser])
    fill(worksheet, 2, [make_practice(title="Alpha")])
    client.force_login(organiser)
    html = client.get(worksheet.url + "results/").content.decode()
    assert 'aria-hidden="true"' in html  # the bars are decoration ...
    assert "1 answer (50&nbsp;%)" in html  # ... the numbers are text
    assert "mean 1.5 out of 5" in html


def test_exports_neutralise_formulas(client, site_pages, organiser):
    worksheet = make_worksheet(questions=QUESTIONS, organisers=[organiser])
    fill(worksheet, 1, [])
    client.force_login(organiser)
    content = client.get(worksheet.url + "results/csv/").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[1][-1].startswith("'=HYPERLINK")


@pytest.mark.parametrize(
    "route",
    ["results/", "results/csv/", "results/xlsx/", "report/", "report/edit/", "participants/"],
)
def test_query_counts_do_not_grow_with_participants(
    client, site_pages, organiser, route, django_assert_max_num_queries
):
    practices = [make_practice(title="Alpha"), make_practice(title="Beta")]
    worksheet = make_worksheet(questions=QUESTIONS, organisers=[organiser])
    fill(worksheet, 3, practices)
    client.force_login(organiser)
    client.get(worksheet.url + route)  # warm caches (site root paths, content types)
    with django_assert_max_num_queries(30) as small:
        assert client.get(worksheet.url + route).status_code == 200
    fill(worksheet, 20, practices, start=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(worksheet.url + route).status_code == 200


def test_report_pdf_query_count(client, site_pages, organiser, django_assert_max_num_queries):
    worksheet = make_worksheet(questions=QUESTIONS, organisers=[organiser])
    fill(worksheet, 3, [])
    client.force_login(organiser)
    keys = [f"{s.pk}:advice" for s in WorksheetSubmission.objects.all()]
    client.post(worksheet.url + "report/edit/", {"synthesis": "Hello", "quotes": keys})
    with django_assert_max_num_queries(25):
        response = client.get(worksheet.url + "report/pdf/")
    assert response.content.startswith(b"%PDF")


def test_report_refuses_unknown_quotes(client, site_pages, organiser):
    worksheet = make_worksheet(questions=QUESTIONS, organisers=[organiser])
    client.force_login(organiser)
    response = client.post(
        worksheet.url + "report/edit/", {"synthesis": "Kept text", "quotes": ["999:advice"]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "no longer exists" in html
    assert "Kept text" in html


def test_invitation_form_errors(client, site_pages, organiser):
    worksheet = make_worksheet(organisers=[organiser])
    make_invitation(worksheet, name="Aino", email="aino@example.org")
    client.force_login(organiser)
    response = client.post(
        worksheet.url + "participants/",
        {"action": "invite", "name": "", "email": "AINO@example.org", "account": "nobody"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "already invited" in html and "No active account" in html
    assert Invitation.objects.count() == 1
    response = client.post(
        worksheet.url + "participants/", {"action": "revoke", "invitation": "abc"}
    )
    assert response.status_code == 404


def test_new_worksheet_in_admin_starts_from_the_template(client, site_pages, superuser):
    from django.urls import reverse

    workshop = make_worksheet().get_parent()
    client.force_login(superuser)
    response = client.get(
        reverse(
            "wagtailadmin_pages:add", args=("peer_reviews", "peerreviewworksheetpage", workshop.pk)
        )
    )
    html = response.content.decode()
    assert "Overall transferability of the practice visited" in html
    assert "Practices from your region worth transferring" in html


def test_demo_content_is_idempotent(site_pages):
    call_command("load_demo_content", stdout=io.StringIO())
    call_command("load_demo_content", stdout=io.StringIO())
    worksheet = PeerReviewWorksheetPage.objects.get(slug="peer-review-worksheet")
    assert worksheet.get_submissions().filter(status="submitted").count() == 3
    assert worksheet.get_submissions().count() == 4
    assert worksheet.report.quotes.count() == 6
    results = build_results(worksheet)
    practices = [b for b in results["blocks"] if b.get("practices")]
    assert practices and practices[0]["practices"][0]["count"] >= 1
