"""Who takes part in a peer review and what they answered."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.models import AbstractFormSubmission


def new_token():
    # 256 bits from the OS's CSPRNG, URL-safe: unguessable and fine in a link.
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Invitation(models.Model):
    """A participant invited to a learning event's peer review.

    The participant answers through a personal link (the token) or, when ``user`` is set,
    by signing in; either way the portal knows who answered. The link works for every
    worksheet of the event until that worksheet's deadline, unless revoked.
    """

    event = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="peer_review_invitations",
        verbose_name=_("learning event"),
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        "portal.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Defaults to the organisation's region."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="peer_review_invitations",
        verbose_name=_("account"),
        help_text=_("Optional: the participant may then answer after signing in."),
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField(_("invited on"), auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer-review invitation")
        verbose_name_plural = _("peer-review invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="peer_review_one_invitation_per_user",
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(email=""),
                name="peer_review_one_invitation_per_email",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.region_id is None and self.organisation_id and self.organisation.region_id:
            self.region_id = self.organisation.region_id
        super().save(*args, **kwargs)

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    def renew(self):
        """A fresh link (the old one stops working) and the invitation active again."""
        self.token = new_token()
        self.revoked_at = None
        self.save(update_fields=["token", "revoked_at"])


ANONYMOUS_PARTICIPANT = _("Anonymous participant")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class WorksheetSubmission(AbstractFormSubmission):
    """A participant's answers to one worksheet (``form_data``, keyed by question name)."""

    # Empty once the participant is erased and their answers kept for the results without
    # identity (``peer_reviews.personal_data``).
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("participant"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("worksheet answers")
        verbose_name_plural = _("worksheet answers")
        ordering = ["invitation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "invitation"], name="peer_review_one_submission_per_participant"
            )
        ]

    def __str__(self):
        return f"{self.participant_name} – {self.get_status_display()}"

    @property
    def participant_name(self):
        return self.invitation.name if self.invitation else str(ANONYMOUS_PARTICIPANT)

    @property
    def is_submitted(self):
        return self.status == SubmissionStatus.SUBMITTED

    def get_data(self):
        return {**self.form_data, "submit_time": self.submitted_at or self.submit_time}
