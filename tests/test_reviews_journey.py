"""The whole peer review through HTTP: an organiser builds a worksheet in the admin, invites
three participants, they answer (one saves a draft and comes back), the organiser reads the
results, downloads CSV and XLSX, writes the report and downloads it as PDF."""

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from peer_reviews.models import (
    Invitation,
    PeerReviewWorksheetPage,
    SubmissionStatus,
    WorksheetSubmission,
)
from peer_reviews.questions import classic_questions
from tests.factories import OrganisationFactory, RegionFactory, make_practice
from tests.factories_events import make_event_index, make_workshop
from tests.factories_reviews import make_organiser_group, make_user

pytestmark = pytest.mark.django_db

QUESTION_FIELDS = (
    "field_type",
    "label",
    "help_text",
    "required",
    "choices",
    "scale_low_label",
    "scale_high_label",
)


def question_form(row):
    data = {name: row.get(name, "") for name in QUESTION_FIELDS}
    data["required"] = "on" if row.get("required", True) else ""
    return data


@pytest.fixture
def setting(home):
    index = make_event_index(home)
    host = OrganisationFactory(name="Host social services")
    workshop = make_workshop(
        index,
        title="Peer review in Valladolid",
        host_organisation=host,
        policy_challenge="Reach **rural households** earlier.",
        policy_instrument="Regional social services plan",
    )
    organiser = make_user(make_organiser_group(index), username="organiser")
    practice = make_practice(title="Village caretakers")
    return workshop, organiser, practice


def build_worksheet_in_admin(client, workshop, organiser):
    create_url = reverse(
        "wagtailadmin_pages:add", args=("peer_reviews", "peerreviewworksheetpage", workshop.pk)
    )
    response = client.get(create_url)
    assert response.status_code == 200
    # A new worksheet opens with the classic questions, ready to edit.
    html = response.content.decode()
    for row in classic_questions():
        assert row["label"].replace("'", "&#x27;") in html
    rows = [question_form(r) for r in classic_questions()]
    rows[1]["label"] = "How do you understand the challenge?"  # organisers edit the template
    rows.append(
        question_form(
            {"field_type": "yes_no", "label": "Would you visit again?", "required": False}
        )
    )
    data = nested_form_data(
        {
            "title": "Worksheet for the peers",
            "slug": "worksheet",
            "intro": "Answer after the visit.",
            "deadline": "2099-12-31 18:00",
            "questions": inline_formset(rows),
            "thank_you_text": "Thanks!",
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    data["organisers"] = [organiser.pk]
    response = client.post(create_url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    worksheet = PeerReviewWorksheetPage.objects.get(slug="worksheet")
    assert worksheet.live
    assert [q.label for q in worksheet.get_question_rows()][0] == (
        "How do you understand the challenge?"
    )
    assert len(worksheet.get_question_rows()) == 9
    return worksheet


def invite(client, worksheet, **data):
    url = worksheet.url + "participants/"
    response = client.post(url, {"action": "invite", **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Invitation.objects.get(name=data["name"])


def answers(worksheet, practice, **overrides):
    names = {q.label: q.clean_name for q in worksheet.get_question_rows()}
    data = {
        names["How do you understand the challenge?"]: "Households ask for help too late.",
        names["Strengths observed"]: "One case manager per household.",
        names["Weaknesses and risks"]: "High caseloads.",
        names["Short-term recommendations"]: "Pilot outreach in two districts.",
        names["Practices from your region worth transferring"]: [str(practice.pk)],
        names["Overall transferability of the practice visited"]: "4",
        names["Would you visit again?"]: "yes",
    }
    data.update({names[k]: v for k, v in overrides.items()})
    return data


def test_organiser_builds_invites_reads_and_reports(client, setting, django_user_model):
    workshop, organiser, practice = setting
    client.force_login(organiser)
    worksheet = build_worksheet_in_admin(client, workshop, organiser)

    # Three participants: two with personal links, one with an account.
    region = RegionFactory(name="Helsinki-Uusimaa")
    finnish = OrganisationFactory(name="Helsinki Deaconess", country=region.country, region=region)
    a = invite(client, worksheet, name="Aino", email="aino@example.org", organisation=finnish.pk)
    b = invite(client, worksheet, name="Lotte", email="lotte@example.org")
    account = make_user(username="giulia")
    invite(client, worksheet, name="Giulia", account="giulia")
    assert a.region == region  # defaults to the organisation's region
    assert len(mail.outbox) == 2
    link_a = re.search(r"http://\S+/t/\S+/", mail.outbox[0].body).group(0)
    assert a.token in link_a
    client.logout()

    # Aino saves an incomplete draft, comes back, finds it, and submits.
    path_a = urlsplit(link_a).path
    names = {q.label: q.clean_name for q in worksheet.get_question_rows()}
    draft = {"action": "draft", names["Strengths observed"]: "Strong data."}
    response = client.post(path_a, draft)
    assert response.status_code == 302
    response = client.get(path_a)
    assert "Strong data." in response.content.decode()
    assert "Draft saved on" in response.content.decode()
    assert WorksheetSubmission.objects.get(invitation=a).status == SubmissionStatus.DRAFT
    response = client.post(path_a, {"action": "submit", **answers(worksheet, practice)})
    assert response.status_code == 200
    assert "your answers are submitted" in response.content.decode()

    # Lotte forgets a required answer: the error keeps everything she typed.
    path_b = worksheet.url + f"t/{b.token}/"
    incomplete = answers(worksheet, practice)
    incomplete.pop(names["Weaknesses and risks"])
    incomplete[names["Strengths observed"]] = "Political support <b>and</b> PACT."
    response = client.post(path_b, {"action": "submit", **incomplete})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Political support &lt;b&gt;and&lt;/b&gt; PACT." in html
    assert "Households ask for help too late." in html
    assert not WorksheetSubmission.objects.filter(invitation=b).exists()
    response = client.post(
        path_b,
        {
            "action": "submit",
            **answers(
                worksheet,
                practice,
                **{
                    "Overall transferability of the practice visited": "2",
                    "Would you visit again?": "no",
                },
            ),
        },
    )
    assert response.status_code == 200

    # Giulia signs in and answers on the worksheet's own address.
    client.force_login(account)
    response = client.get(worksheet.url)
    assert "Answering as <strong>Giulia</strong>" in response.content.decode()
    response = client.post(worksheet.url, {"action": "submit", **answers(worksheet, practice)})
    assert response.status_code == 200
    assert WorksheetSubmission.objects.filter(page=worksheet, status="submitted").count() == 3
    client.logout()

    # The organiser reads the results.
    client.force_login(organiser)
    response = client.get(worksheet.url + "results/")
    assert response.status_code == 200
    html = response.content.decode()
    progress = re.findall(r"<li><strong>(\d+)</strong> (invited|started|submitted)</li>", html)
    assert progress == [("3", "invited"), ("3", "started"), ("3", "submitted")]
    assert "mean 3.33 out of 5" in html
    assert "Helsinki Deaconess" in html and "Helsinki-Uusimaa" in html
    assert f'<a href="{practice.url}">Village caretakers</a>' in html
    assert "3 participants" in html
    assert "Pilot outreach in two districts." in html

    # Exports.
    response = client.get(worksheet.url + "results/csv/")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Participant", "Organisation", "Region", "Country", "Status"]
    assert len(rows) == 4
    aino = next(r for r in rows if r[0] == "Aino")
    assert aino[1:3] == ["Helsinki Deaconess", "Helsinki-Uusimaa"]
    assert "Village caretakers" in aino
    response = client.get(worksheet.url + "results/xlsx/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Participant" and len(values) == 4
    assert {row[0] for row in values[1:]} == {"Aino", "Lotte", "Giulia"}

    # The report: synthesis and quotes, printable and as PDF.
    response = client.get(worksheet.url + "report/edit/")
    keys = re.findall(r'name="quotes" value="([^"]+)"', response.content.decode())
    short_term = [k for k in keys if k.endswith(":" + names["Short-term recommendations"])]
    assert len(short_term) == 3
    response = client.post(
        worksheet.url + "report/edit/",
        {"synthesis": "## Main advice\n\nStart **small**.", "quotes": short_term[:2]},
    )
    assert response.status_code == 302
    response = client.get(worksheet.url + "report/")
    html = response.content.decode()
    assert "Reach <strong>rural households</strong> earlier." in html
    assert "Regional social services plan" in html
    assert "Start <strong>small</strong>." in html
    assert html.count("Pilot outreach in two districts.") == 2
    response = client.get(worksheet.url + "report/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Reach rural households earlier." in " ".join(text.split())
    assert "Main advice" in text and "Pilot outreach in two districts." in text
