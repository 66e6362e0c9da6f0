"""Child rows of learning events, edited inline on the event page: agenda sessions,
documents, photos, and the rows each kind adds."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

EVENT = "learning_events.LearningEventPage"


def unpublished_practice_error(practice):
    if practice is not None and not practice.live:
        return _("“%(title)s” is not published: only published practices can be linked.") % {
            "title": practice.title
        }
    return None


class AgendaSession(Orderable):
    """One timed session; the page groups sessions by day."""

    event = ParentalKey(EVENT, on_delete=models.CASCADE, related_name="agenda_sessions")
    date = models.DateField(_("day"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("to"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    speakers = models.CharField(
        _("speakers"), max_length=500, blank=True, help_text=_("Names and organisations.")
    )
    practice = models.ForeignKey(
        "practices.PracticePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_sessions",
        verbose_name=_("practice presented or visited"),
    )

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldPanel("title"),
        FieldPanel("speakers"),
        FieldPanel("practice"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("agenda session")
        verbose_name_plural = _("agenda sessions")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The session must end after it starts.")
        # That the day falls within the event's dates is checked by the page form, which
        # sees the dates being edited (learning_events.forms).
        message = unpublished_practice_error(self.practice if self.practice_id else None)
        if message:
            errors["practice"] = message
        if errors:
            raise ValidationError(errors)


class DocumentLinkBase(Orderable):
    """A document from the library or a link elsewhere."""

    title = models.CharField(_("title"), max_length=255, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    url = models.URLField(_("or link"), max_length=500, blank=True)

    panels = [FieldPanel("document"), FieldPanel("url"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        if self.title:
            return self.title
        if self.document_id:
            return self.document.title
        return self.url

    @property
    def href(self):
        return self.document.url if self.document_id else self.url

    def clean(self):
        super().clean()
        if not self.document_id and not self.url:
            raise ValidationError({"url": _("Choose a document or give a link.")})
        if self.url and not self.document_id and not self.title:
            raise ValidationError({"title": _("Give a title for the link.")})


class EventDocument(DocumentLinkBase):
    """Outputs: reports, presentations, minutes."""

    event = ParentalKey(EVENT, on_delete=models.CASCADE, related_name="output_documents")

    class Meta(DocumentLinkBase.Meta):
        verbose_name = _("output document")
        verbose_name_plural = _("output documents")


class EventPhoto(Orderable):
    event = ParentalKey(EVENT, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or self.image.title


class StudyVisitPractice(Orderable):
    """A practice visited on a study visit. Only published practices may be linked."""

    event = ParentalKey(
        "learning_events.StudyVisitPage", on_delete=models.CASCADE, related_name="visited_practices"
    )
    practice = models.ForeignKey(
        "practices.PracticePage",
        on_delete=models.CASCADE,
        related_name="study_visits",
        verbose_name=_("practice"),
    )
    note = models.CharField(
        _("note"), max_length=255, blank=True, help_text=_("e.g. what the visitors saw there.")
    )

    panels = [FieldPanel("practice"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("practice visited")
        verbose_name_plural = _("practices visited")

    def __str__(self):
        return self.practice.title

    def clean(self):
        super().clean()
        message = unpublished_practice_error(self.practice if self.practice_id else None)
        if message:
            raise ValidationError({"practice": message})


class StudyVisitSite(Orderable):
    event = ParentalKey(
        "learning_events.StudyVisitPage", on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(_("site"), max_length=255)
    address = models.CharField(_("address"), max_length=255, blank=True)
    host_organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("host organisation"),
    )
    hosts = models.CharField(
        _("hosts"), max_length=255, blank=True, help_text=_("Who receives the visitors there.")
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("address")]),
        FieldRowPanel([FieldPanel("host_organisation"), FieldPanel("hosts")]),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("site")
        verbose_name_plural = _("sites and hosts")

    def __str__(self):
        return self.name


class MasterclassExpert(Orderable):
    event = ParentalKey(
        "learning_events.MasterclassPage", on_delete=models.CASCADE, related_name="experts"
    )
    name = models.CharField(_("name"), max_length=150)
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    bio = models.TextField(_("short biography"), blank=True, help_text=_("Markdown."))

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("affiliation")]), FieldPanel("bio")]

    class Meta(Orderable.Meta):
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return self.name


class MasterclassMaterial(DocumentLinkBase):
    event = ParentalKey(
        "learning_events.MasterclassPage", on_delete=models.CASCADE, related_name="materials"
    )

    class Meta(DocumentLinkBase.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")


class WorkshopBackgroundDocument(DocumentLinkBase):
    event = ParentalKey(
        "learning_events.PeerReviewWorkshopPage",
        on_delete=models.CASCADE,
        related_name="background_documents",
    )

    class Meta(DocumentLinkBase.Meta):
        verbose_name = _("background document")
        verbose_name_plural = _("background documents")
