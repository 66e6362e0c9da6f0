"""The validation journey through the admin's own HTTP views: a partner author creates and
submits a practice, a validator sends it back with a comment, the author fixes it, the
validator approves it and it is published, showing when it was validated."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState

from practices.models import PracticePage
from practices.validation import CRITERION_NAMES, PracticeValidationState
from tests.factories import CountryFactory, OrganisationFactory
from tests.factories_roles import make_author, make_validator, practice_form_data

ALL_MET = dict.fromkeys(CRITERION_NAMES, "met")


def workflow_action_url(page, action):
    task_state = page.current_workflow_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))


@pytest.fixture
def people(practice_index):
    country = CountryFactory(name="Spain", code="ES")
    organisation = OrganisationFactory(name="Social Services of Castilla y León", country=country)
    author = make_author(organisation, username="ana", email="ana@example.org")
    validator = make_validator(username="val", email="val@example.org")
    return {
        "country": country,
        "organisation": organisation,
        "author": author,
        "validator": validator,
        "index": practice_index,
    }


def create_and_submit(client, people):
    client.force_login(people["author"])
    add_url = reverse(
        "wagtailadmin_pages:add", args=("practices", "practicepage", people["index"].pk)
    )
    response = client.post(
        add_url,
        practice_form_data(
            country=people["country"].pk,
            lead_organisation=people["organisation"].pk,
            **{"action-submit": "Submit"},
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    return PracticePage.objects.get(slug="community-kitchens")


def test_full_validation_journey(client, people):
    author, validator = people["author"], people["validator"]
    page = create_and_submit(client, people)
    assert not page.live
    assert page.workflow_in_progress
    assert page.owner == author
    # The validators hear about it.
    assert any("val@example.org" in m.to for m in mail.outbox)

    # The author cannot publish or edit while it is under review.
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = client.get(edit_url)
    assert response.status_code == 200
    assert b"action-publish" not in response.content

    # The validator sees it on the dashboard with the two actions...
    client.force_login(validator)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Community kitchens" in dashboard
    assert "Request changes" in dashboard
    # ...opens the checklist...
    reject_url = workflow_action_url(page, "reject")
    modal = client.get(reject_url, headers={"x-requested-with": "XMLHttpRequest"})
    assert modal.status_code == 200
    html = json.loads(modal.content)["html"]
    assert "Evidence of results" in html and "Participation of the people served" in html
    # ...cannot send it back without saying why...
    response = client.post(
        reject_url, {"comment": ""}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert "This field is required" in json.loads(response.content)["html"]
    assert PracticePage.objects.get(pk=page.pk).workflow_in_progress
    # ...and requests changes with a comment and verdicts.
    mail.outbox.clear()
    response = client.post(
        reject_url,
        {
            **ALL_MET,
            "evidence": "not-met",
            "comment": "Please add figures on the results.",
        },
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    review = PracticeValidationState.objects.get(workflow_state=state)
    assert review.status == review.STATUS_REJECTED
    assert review.evidence == "not-met" and review.relevance == "met"
    assert review.finished_by == validator
    # The author is told by email, with the comment.
    [notice] = [m for m in mail.outbox if "ana@example.org" in m.to]
    assert "Please add figures on the results." in notice.body

    # The author sees it on the dashboard as sent back, with the comment, and fixes it.
    client.force_login(author)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Changes requested" in dashboard
    assert "Please add figures on the results." in dashboard
    response = client.post(
        edit_url,
        practice_form_data(
            country=people["country"].pk,
            lead_organisation=people["organisation"].pk,
            evidence="312 families took part; 40 % cooked weekly after six months.",
            **{"action-submit": "Resubmit"},
        ),
    )
    assert response.status_code == 302
    page = PracticePage.objects.get(pk=page.pk)
    assert page.workflow_in_progress
    assert not page.live

    # The validator cannot approve while a criterion is not met...
    client.force_login(validator)
    approve_url = workflow_action_url(page, "approve")
    response = client.post(
        approve_url,
        {**ALL_MET, "ethics": "not-met"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert "cannot be approved while a criterion is not met" in json.loads(response.content)["html"]
    assert not PracticePage.objects.get(pk=page.pk).live
    # ...and approves it once all are met or partly met.
    mail.outbox.clear()
    response = client.post(approve_url, {**ALL_MET, "sustainability": "partly", "comment": "Good."})
    assert response.status_code == 302
    page = PracticePage.objects.get(pk=page.pk)
    assert page.live
    assert "312 families" in page.evidence
    assert any("ana@example.org" in m.to for m in mail.outbox)

    # Published, it shows when it was validated and which criteria it met.
    client.logout()
    public = client.get(page.url).content.decode()
    assert "Validated on" in public
    assert "Evidence of results" in public
    assert "Sustainability" not in public.split("Validated on", 1)[1].split("</aside>", 1)[0]
    assert 'href="/validation-criteria/"' in public

    # Every change is kept, with its author, and can be compared.
    revisions = list(page.revisions.order_by("created_at"))
    assert len(revisions) >= 2
    assert {r.user for r in revisions} == {author}
    client.force_login(author)
    compare = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=(page.pk, revisions[0].pk, revisions[-1].pk),
    )
    response = client.get(compare)
    assert response.status_code == 200
    assert "312 families" in response.content.decode()


def test_author_cannot_approve_their_own_practice(client, people):
    page = create_and_submit(client, people)
    client.force_login(people["author"])
    # The author is not a validator: Wagtail refuses and sends them to the dashboard.
    response = client.post(workflow_action_url(page, "approve"), ALL_MET, follow=True)
    assert "permission" in response.content.decode()
    page = PracticePage.objects.get(pk=page.pk)
    assert not page.live
    assert page.current_workflow_task_state.status == "in_progress"


def test_criteria_page_lists_every_criterion(client, db):
    response = client.get("/validation-criteria/")
    assert response.status_code == 200
    for label in (
        "Relevance to the target group",
        "Evidence of results",
        "Transferability",
        "Sustainability",
        "Participation of the people served",
        "Ethics",
    ):
        assert label in response.content.decode()


def test_practice_index_links_to_the_criteria(client, practice_index):
    response = client.get(practice_index.url)
    assert 'href="/validation-criteria/"' in response.content.decode()


def test_validator_can_approve_from_the_editor_with_the_checklist(client, people):
    page = create_and_submit(client, people)
    client.force_login(people["validator"])
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    form = practice_form_data(
        country=people["country"].pk, lead_organisation=people["organisation"].pk
    )

    def post(verdicts):
        return client.post(
            edit_url,
            {
                **form,
                "action-workflow-action": "true",
                "workflow-action-name": "approve",
                "workflow-action-extra-data": json.dumps({**verdicts, "comment": "Fine."}),
            },
        )

    # Data that skipped the checklist's own validation is refused...
    post({**ALL_MET, "ethics": "not-met"})
    assert not PracticePage.objects.get(pk=page.pk).live
    # ...valid data approves and publishes.
    post(ALL_MET)
    page = PracticePage.objects.get(pk=page.pk)
    assert page.live
    assert page.validation.criteria_met() and page.validation.finished_by == people["validator"]


@pytest.mark.parametrize(
    ("action", "verdicts", "live"),
    [("approve", ALL_MET, True), ("reject", {"ethics": "not-met"}, False)],
)
def test_validator_lands_on_a_page_they_may_open_after_acting_in_the_editor(
    client, people, action, verdicts, live
):
    """Wagtail sends the editor back to the practice index's explorer listing, which
    validators may not open: they would end on "Sorry, you do not have permission"."""
    page = create_and_submit(client, people)
    client.force_login(people["validator"])
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        {
            **practice_form_data(
                country=people["country"].pk, lead_organisation=people["organisation"].pk
            ),
            "action-workflow-action": "true",
            "workflow-action-name": action,
            "workflow-action-extra-data": json.dumps({**verdicts, "comment": "Checked."}),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    messages = [(m.level_tag, str(m).strip()) for m in response.context["messages"]]
    assert messages[-1] == ("success", "Page &#x27;Community kitchens&#x27; has been updated.")
    assert "error" not in {level for level, _text in messages}
    assert "you do not have permission" not in response.content.decode()
    assert "Community kitchens" in response.content.decode()
    assert PracticePage.objects.get(pk=page.pk).live is live


def test_editors_still_go_back_to_the_listing_after_a_workflow_action(client, people):
    page = create_and_submit(client, people)
    admin = make_validator(username="boss", email="boss@example.org")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        {
            **practice_form_data(
                country=people["country"].pk, lead_organisation=people["organisation"].pk
            ),
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": json.dumps({**ALL_MET, "comment": "Checked."}),
        },
    )
    assert response["Location"] == reverse("wagtailadmin_explore", args=(people["index"].pk,))
    assert PracticePage.objects.get(pk=page.pk).live


def test_validator_lands_on_the_dashboard_after_acting_from_the_review_modal(client, people):
    """The dashboard's Approve button posts to Wagtail's workflow action view, which would go
    on to the practice's editor: closed to the validator once it is published."""
    page = create_and_submit(client, people)
    client.force_login(people["validator"])
    response = client.post(
        workflow_action_url(page, "approve"), {**ALL_MET, "comment": "Good."}, follow=True
    )
    assert response.status_code == 200
    [(landing, status)] = response.redirect_chain
    assert status == 302 and landing.startswith(reverse("wagtailadmin_home") + "?")
    html = response.content.decode()
    assert "you do not have permission" not in html
    # The modal closes on the dashboard, which says that it worked.
    assert f"&#x27;{page.title}&#x27; was approved and is published." in html
    assert PracticePage.objects.get(pk=page.pk).live
    # The address alone proves nothing: another user gets no message from it.
    client.force_login(people["author"])
    assert b"was approved" not in client.get(landing).content
