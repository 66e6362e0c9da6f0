"""A lead image for a record (practice, learning event, cooperation project): a Wagtail image
with the alternative text and credit line of its use here. One mixin, so the fields, the
panel and the rule "an image needs its alternative text" are written once."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel


class LeadImageMixin(models.Model):
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead image"),
        help_text=_("Optional. A photo or illustration shown at the top of the page."),
    )
    lead_image_alt = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_(
            "Required with an image: what it shows, for people who cannot see it "
            "(e.g. “Two care workers visit an older man at home”)."
        ),
    )
    lead_image_credit = models.CharField(
        _("credit"),
        max_length=250,
        blank=True,
        help_text=_("Author and licence, e.g. “Photo: A. Rossi, CC BY 4.0”."),
    )

    lead_image_panels = [
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_alt"),
                FieldPanel("lead_image_credit"),
            ],
            heading=_("Lead image"),
        )
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.lead_image_id and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": _("Describe the image for people who cannot see it.")}
            )
