"""The recommendations report an organiser writes from the answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecommendationsReport(models.Model):
    worksheet = models.OneToOneField(
        "peer_reviews.PeerReviewWorksheetPage",
        on_delete=models.CASCADE,
        related_name="report",
        verbose_name=_("worksheet"),
    )
    synthesis = models.TextField(
        _("synthesis"), blank=True, help_text=_("Markdown: the peers' recommendations, summed up.")
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        verbose_name = _("recommendations report")
        verbose_name_plural = _("recommendations reports")

    def __str__(self):
        return str(self.worksheet)


class QuotedAnswer(models.Model):
    """One answer (a participant's reply to one question) quoted in the report."""

    report = models.ForeignKey(
        RecommendationsReport, on_delete=models.CASCADE, related_name="quotes"
    )
    submission = models.ForeignKey(
        "peer_reviews.WorksheetSubmission", on_delete=models.CASCADE, related_name="+"
    )
    field_name = models.CharField(_("question"), max_length=255)

    class Meta:
        verbose_name = _("quoted answer")
        verbose_name_plural = _("quoted answers")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "submission", "field_name"], name="peer_review_quote_once"
            )
        ]

    def __str__(self):
        return f"{self.submission_id}:{self.field_name}"


class RecommendationPriority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class HostResponse(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY = "partly", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")


class Recommendation(models.Model):
    """One recommendation of the peers, a record of its own: the report's synthesis sums
    them up; the host region answers each one (accepted, partly, rejected with a reason),
    and actions of an action plan say which ones they take up."""

    report = models.ForeignKey(
        RecommendationsReport,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("recommendations report"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("recommendation"))
    addressed_region = models.ForeignKey(
        "portal.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("addressed to region"),
    )
    addressed_organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("addressed to organisation"),
    )
    priority = models.CharField(
        _("priority"),
        max_length=10,
        choices=RecommendationPriority.choices,
        default=RecommendationPriority.MEDIUM,
    )
    quotes = models.ManyToManyField(
        QuotedAnswer,
        blank=True,
        related_name="recommendations",
        verbose_name=_("quoted answers it comes from"),
    )
    response = models.CharField(
        _("host's response"),
        max_length=10,
        choices=HostResponse.choices,
        default=HostResponse.PENDING,
    )
    response_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Required when the host rejects or partly accepts.")
    )
    response_date = models.DateField(_("date of the response"), null=True, blank=True)

    class Meta:
        ordering = ["report", "sort_order", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:79] + "…"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        needs_reason = (HostResponse.REJECTED, HostResponse.PARTLY)
        if self.response in needs_reason and not self.response_reason.strip():
            errors["response_reason"] = _("Say why the recommendation is not fully accepted.")
        if self.response != HostResponse.PENDING and not self.response_date:
            errors["response_date"] = _("Give the date of the host's response.")
        if errors:
            raise ValidationError(errors)
