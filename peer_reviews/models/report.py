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
