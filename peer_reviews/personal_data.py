"""A participant's personal data: everything stored about them as one record, erasure, and the
retention rule that ``manage.py purge_personal_data`` applies.

What is personal here: the invitation (name, email, organisation, region, account, personal
link, dates) and the answers linked to it. Erasing a participant deletes the invitation and
their unsubmitted drafts, and either deletes their submitted answers or keeps them without
identity (``WorksheetSubmission.invitation`` empty), so the results still count them. Results
are computed from the stored rows on every request (``results.build_results``), so they are
up to date at once."""

from django.db import transaction
from django.utils import timezone

from .models import (
    Invitation,
    PeerReviewWorksheetPage,
    QuotedAnswer,
    SubmissionStatus,
    WorksheetSubmission,
)
from .results import display_answer, load_practices


def participant_record(invitation, request=None):
    """Everything stored about ``invitation``'s participant, as JSON-ready data: the
    invitation, and per worksheet of the event the answers (drafts included) with their
    times and whether the report quotes them. The personal link's secret token is left out:
    it is a password, not information about the person."""
    submissions = list(
        WorksheetSubmission.objects.filter(invitation=invitation)
        .select_related("page")
        .order_by("page__path")
    )
    worksheets = {
        page.pk: page
        for page in PeerReviewWorksheetPage.objects.filter(
            pk__in=[s.page_id for s in submissions]
        ).prefetch_related("questions")
    }
    quotes = {}
    for quote in QuotedAnswer.objects.filter(submission__in=submissions):
        quotes.setdefault(quote.submission_id, []).append(quote.field_name)
    answers = []
    for submission in submissions:
        worksheet = worksheets[submission.page_id]
        questions = worksheet.get_question_rows()
        practices = load_practices(questions, [submission])
        answers.append(
            {
                "worksheet": worksheet.title,
                "worksheet_url": worksheet.get_full_url(request),
                "status": submission.status,
                "started_at": submission.submit_time,
                "last_saved_at": submission.updated_at,
                "submitted_at": submission.submitted_at,
                "answers": [
                    {
                        "question": question.label,
                        "name": question.clean_name,
                        "value": submission.form_data.get(question.clean_name),
                        "text": display_answer(
                            question, submission.form_data.get(question.clean_name), practices
                        ),
                        "quoted_in_report": question.clean_name in quotes.get(submission.pk, []),
                    }
                    for question in questions
                    if question.clean_name in submission.form_data
                ],
            }
        )
    event = invitation.event.specific
    return {
        "exported_at": timezone.now(),
        "participant": {
            "name": invitation.name,
            "email": invitation.email,
            "organisation": invitation.organisation.name if invitation.organisation else None,
            "region": invitation.region.name if invitation.region else None,
            "account": invitation.user.get_username() if invitation.user else None,
            "invited_at": invitation.created_at,
            "personal_link_withdrawn_at": invitation.revoked_at,
        },
        "event": {"title": event.title, "url": event.get_full_url(request)},
        "worksheets": answers,
    }


def erase_participants(invitations, *, keep_answers):
    """Erase the participants of the ``invitations`` queryset: their invitations and
    unsubmitted drafts are deleted; their submitted answers are kept without identity when
    ``keep_answers`` (and stay in the results and the report's quotes, unnamed), else deleted.

    Returns the counts ``{"invitations": n, "anonymised": n, "deleted": n}``, where
    ``deleted`` counts answers (drafts included) deleted."""
    with transaction.atomic():
        ids = list(invitations.values_list("pk", flat=True))
        answers = WorksheetSubmission.objects.filter(invitation_id__in=ids)
        if keep_answers:
            drafts = answers.exclude(status=SubmissionStatus.SUBMITTED)
            deleted = drafts.count()
            drafts.delete()
            anonymised = answers.update(invitation=None)
        else:
            anonymised = 0
            deleted = answers.count()
            answers.delete()
        Invitation.objects.filter(pk__in=ids).delete()
    return {"invitations": len(ids), "anonymised": anonymised, "deleted": deleted}


def purge_expired(cutoff):
    """Apply the retention rule for everything that ended before ``cutoff``:

    - invitations made before ``cutoff`` to an event none of whose worksheets has a deadline
      after it are erased, their submitted answers kept without identity;
    - unsubmitted drafts of worksheets whose deadline passed before ``cutoff`` are deleted
      (a closed worksheet can no longer be submitted).

    Returns ``[(count, what)]`` for the summary line."""
    recent_worksheets = PeerReviewWorksheetPage.objects.filter(deadline__gte=cutoff)
    recent_event_paths = {
        path[: -PeerReviewWorksheetPage.steplen]
        for path in recent_worksheets.values_list("path", flat=True)
    }
    expired = Invitation.objects.filter(created_at__lt=cutoff).exclude(
        event__path__in=recent_event_paths
    )
    erased = erase_participants(expired, keep_answers=True)
    stale_drafts = WorksheetSubmission.objects.exclude(status=SubmissionStatus.SUBMITTED).filter(
        page__in=PeerReviewWorksheetPage.objects.filter(deadline__lt=cutoff).values("pk")
    )
    stale = stale_drafts.count()
    stale_drafts.delete()
    return [
        (erased["invitations"], "peer-review invitations deleted"),
        (erased["anonymised"], "submitted answers kept without identity"),
        (erased["deleted"] + stale, "unsubmitted drafts deleted"),
    ]
