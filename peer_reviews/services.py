"""Storing answers and finding participants."""

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from portal.public_address import page_url

from .models import Invitation, SubmissionStatus, WorksheetSubmission


def serialise_answer(value):
    """Form values as JSON: model choices (practices) by primary key."""
    if isinstance(value, QuerySet):
        return [obj.pk for obj in value]
    if isinstance(value, (list, tuple)):
        return [v.pk if isinstance(v, Model) else v for v in value]
    if isinstance(value, Model):
        return value.pk
    return value


def save_answers(worksheet, invitation, cleaned_data, *, submit):
    """Create or update the participant's single row for the worksheet.

    The unique constraint (worksheet, participant) makes a double submit, even two requests
    racing, end in one row: the loser of the race updates the winner's row.
    """
    data = {name: serialise_answer(value) for name, value in cleaned_data.items()}
    now = timezone.now()
    fields = {"form_data": data}
    if submit:
        fields.update(status=SubmissionStatus.SUBMITTED, submitted_at=now)
    # All or nothing: a write the database refuses half-way leaves no half-saved row.
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission, created = WorksheetSubmission.objects.get_or_create(
                    page=worksheet, invitation=invitation, defaults=fields
                )
        except IntegrityError:
            submission, created = (
                WorksheetSubmission.objects.get(page=worksheet, invitation=invitation),
                False,
            )
        if not created:
            for name, value in fields.items():
                setattr(submission, name, value)
            submission.save()
    return submission


def invitation_for_token(worksheet, token):
    return (
        Invitation.objects.filter(token=token, event_id=worksheet.get_parent().pk)
        .select_related("organisation", "region")
        .first()
    )


def invitation_for_user(worksheet, user):
    return (
        Invitation.objects.active()
        .for_user(user)
        .filter(event_id=worksheet.get_parent().pk)
        .select_related("organisation", "region")
        .first()
    )


def personal_url(worksheet, invitation, request=None):
    return page_url(worksheet, request) + worksheet.reverse_subpage(
        "personal", kwargs={"token": invitation.token}
    )
