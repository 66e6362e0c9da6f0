"""The events index and the four kinds of learning event."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page, PageManager, PageQuerySet

from learning_events.forms import LearningEventPageForm
from portal.models import SYNCHRONIZED_PROJECT, LeadImageMixin, original_projects

from .mixins import (
    EventNarrativeMixin,
    EventParticipationMixin,
    EventPlaceMixin,
    EventScheduleMixin,
    EventStatusMixin,
    time_zone_choices,
)

EVENT_KINDS = [
    "learning_events.StudyVisitPage",
    "learning_events.MasterclassPage",
    "learning_events.PeerReviewWorkshopPage",
    "learning_events.StaffExchangePage",
]


class LearningEventIndexPage(RoutablePageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = EVENT_KINDS
    max_count = 1

    class Meta:
        verbose_name = _("learning event index page")

    @path("", name="list")
    def event_list(self, request):
        from learning_events.views import event_list

        return event_list(request, self)

    @path("ics/", name="calendar")
    def event_list_ics(self, request):
        from learning_events.views import event_list_ics

        return event_list_ics(request, self)

    @path("feed/", name="feed")
    def event_feed(self, request):
        from learning_events.views import upcoming_feed

        return upcoming_feed(request, self)


class LearningEventQuerySet(PageQuerySet):
    def with_card_data(self):
        """Everything an event card shows, in a fixed number of queries."""
        return self.select_related(
            "project", "venue_country", "host_region", "host_organisation", "content_type"
        )

    def upcoming(self, now=None):
        from django.utils import timezone

        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now=None):
        from django.utils import timezone

        return self.filter(ends_at__lt=now or timezone.now())


LearningEventManager = PageManager.from_queryset(LearningEventQuerySet)


class LearningEventPage(
    LeadImageMixin,
    RoutablePageMixin,
    EventScheduleMixin,
    EventPlaceMixin,
    EventParticipationMixin,
    EventNarrativeMixin,
    EventStatusMixin,
    Page,
):
    """What every learning event has. Not creatable itself: editors create one of the kinds
    below, which add their own fields and panels."""

    project = models.ForeignKey(
        "portal.CooperationProject",
        limit_choices_to=original_projects,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_events",
        verbose_name=_("cooperation project"),
    )
    # Translations keep the original project (portal.models.reference).
    override_translatable_fields = [SYNCHRONIZED_PROJECT]

    objects = LearningEventManager()

    base_form_class = LearningEventPageForm
    is_creatable = False
    parent_page_types = ["learning_events.LearningEventIndexPage"]
    subpage_types = []

    # Panels of the shared fields; each kind adds a tab of its own ("kind_panels").
    event_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        *LeadImageMixin.lead_image_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("status"), FieldPanel("is_example")]),
                FieldPanel("registration_url"),
            ],
            heading=_("Status"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time")]),
                FieldRowPanel([FieldPanel("end_date"), FieldPanel("end_time")]),
                FieldPanel("time_zone", widget=forms.Select(choices=time_zone_choices)),
            ],
            heading=_("Dates"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("event_format"),
                FieldRowPanel([FieldPanel("venue_name"), FieldPanel("venue_city")]),
                FieldPanel("venue_country"),
                FieldPanel("online_url"),
            ],
            heading=_("Venue and format"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("project"),
                FieldRowPanel([FieldPanel("host_region"), FieldPanel("host_organisation")]),
                FieldPanel("participating_organisations"),
                FieldPanel("participating_regions"),
            ],
            heading=_("Project, host and participants"),
        ),
        FieldPanel("learning_objectives"),
    ]
    agenda_panels = [InlinePanel("agenda_sessions", label=_("Session"), heading=_("Agenda"))]
    output_panels = [
        FieldPanel("lessons_learned"),
        InlinePanel("output_documents", label=_("Document"), heading=_("Documents")),
        InlinePanel("photos", label=_("Photo"), heading=_("Photos")),
    ]
    kind_panels = []
    kind_heading = _("Details")

    class Meta:
        verbose_name = _("learning event")
        verbose_name_plural = _("learning events")

    @classmethod
    def build_edit_handler(cls):
        tabs = [ObjectList(cls.event_panels, heading=_("Event"))]
        if cls.kind_panels:
            tabs.append(ObjectList(cls.kind_panels, heading=cls.kind_heading))
        tabs += [
            ObjectList(cls.agenda_panels, heading=_("Agenda")),
            ObjectList(cls.output_panels, heading=_("Outputs")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
        return TabbedInterface(tabs)

    def permissions_for_user(self, user):
        """Coordinators manage the events of their projects (``learning_events.permissions``)."""
        from learning_events.permissions import LearningEventPermissionTester

        return LearningEventPermissionTester(user, self)

    def clean(self):
        super().clean()
        errors = {**self.clean_schedule(), **self.clean_place(), **self.clean_kind()}
        if errors:
            raise ValidationError(errors)

    def clean_kind(self):
        """Override point: errors of the kind's own fields, as {field: message}."""
        return {}

    def save(self, *args, **kwargs):
        self.compute_instants()
        super().save(*args, **kwargs)

    @property
    def kind_label(self):
        return self.specific_class._meta.verbose_name if self.specific_class else ""

    @property
    def kind_slug(self):
        return KIND_SLUGS.get(self.specific_class, "")

    def get_context(self, request, *args, **kwargs):
        from learning_events.views import event_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_context(self, request))
        return context

    def discovery_metadata(self, request):
        """OpenGraph and schema.org Event metadata of the page (portal/metadata.py)."""
        from portal.metadata import Metadata, organisation, place
        from portal.public_address import page_url

        from .mixins import EventFormat, EventStatus

        url = page_url(self, request)
        modes = {
            EventFormat.ON_SITE: "OfflineEventAttendanceMode",
            EventFormat.ONLINE: "OnlineEventAttendanceMode",
            EventFormat.HYBRID: "MixedEventAttendanceMode",
        }
        location = []
        if self.event_format != EventFormat.ONLINE:
            location.append(
                place(self.venue_country, self.venue_city, self.venue_name, self.host_region)
            )
        if self.event_format != EventFormat.ON_SITE:
            location.append({"@type": "VirtualLocation", "url": url})
        data = {
            "@type": "Event",
            "name": self.title,
            "description": self.summary,
            "url": url,
            "startDate": self.start_date if self.start_time is None else self.starts_at,
            "endDate": self.end_date if self.end_time is None else self.ends_at,
            "eventAttendanceMode": "https://schema.org/" + modes.get(self.event_format, ""),
            "eventStatus": "https://schema.org/"
            + ("EventCancelled" if self.status == EventStatus.CANCELLED else "EventScheduled"),
            "location": location,
            "organizer": organisation(self.host_organisation)
            if self.host_organisation_id
            else None,
            "about": str(self.kind_label),
        }
        return Metadata(
            title=self.seo_title or self.title,
            description=self.search_description or self.summary,
            url=url,
            json_ld={k: v for k, v in data.items() if v not in ("", [], None)},
        )

    @path("", name="detail")
    def detail(self, request):
        return self.render(request)

    @path("ics/", name="ics")
    def event_ics(self, request):
        from learning_events.views import event_ics

        return event_ics(request, self)


class StudyVisitPage(LearningEventPage):
    """Visiting a practice where it is run: the practices visited, the sites and hosts."""

    kind_panels = [
        InlinePanel(
            "visited_practices", label=_("Practice visited"), heading=_("Practices visited")
        ),
        InlinePanel("sites", label=_("Site"), heading=_("Sites and hosts")),
    ]
    kind_heading = _("Practices and sites")
    subpage_types = []
    template = "learning_events/event_page.html"

    class Meta:
        verbose_name = _("study visit")
        verbose_name_plural = _("study visits")


class MasterclassPage(LearningEventPage):
    topic = models.CharField(_("topic"), max_length=255)

    kind_panels = [
        FieldPanel("topic"),
        InlinePanel("experts", label=_("Expert"), heading=_("Experts")),
        InlinePanel("materials", label=_("Material"), heading=_("Materials")),
    ]
    kind_heading = _("Topic, experts and materials")
    subpage_types = []
    template = "learning_events/event_page.html"

    class Meta:
        verbose_name = _("masterclass")
        verbose_name_plural = _("masterclasses")


class PeerReviewWorkshopPage(LearningEventPage):
    """The host presents a policy challenge; peers from other regions review it. The
    worksheets of the peer review are pages under the workshop (peer_reviews app), so
    ``subpage_types`` is left open."""

    policy_challenge = models.TextField(
        _("policy challenge"),
        help_text=_("Markdown. The host's question to the peers."),
    )
    policy_instrument = models.CharField(
        _("policy instrument"),
        max_length=255,
        blank=True,
        help_text=_("The programme, plan or law the challenge concerns."),
    )
    policy_instrument_url = models.URLField(_("policy instrument link"), blank=True)
    peer_organisations = ParentalManyToManyField(
        "portal.Organisation",
        blank=True,
        related_name="peer_reviewed_events",
        verbose_name=_("peer organisations"),
    )
    peer_regions = ParentalManyToManyField(
        "portal.Region",
        blank=True,
        related_name="peer_reviewed_events",
        verbose_name=_("peer regions"),
    )

    kind_panels = [
        FieldPanel("policy_challenge"),
        FieldRowPanel([FieldPanel("policy_instrument"), FieldPanel("policy_instrument_url")]),
        FieldPanel("peer_organisations"),
        FieldPanel("peer_regions"),
        InlinePanel(
            "background_documents",
            label=_("Background document"),
            heading=_("Background documents"),
        ),
    ]
    kind_heading = _("Policy challenge and peers")
    # Open on purpose: peer-review worksheets (peer_reviews app) live under the workshop.
    subpage_types = None
    template = "learning_events/event_page.html"

    class Meta:
        verbose_name = _("peer-review workshop")
        verbose_name_plural = _("peer-review workshops")


class StaffExchangePage(LearningEventPage):
    sending_organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        related_name="sent_staff_exchanges",
        verbose_name=_("sending organisation"),
    )
    receiving_organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        related_name="received_staff_exchanges",
        verbose_name=_("receiving organisation"),
    )
    staff_count = models.PositiveSmallIntegerField(
        _("staff members exchanged"), null=True, blank=True
    )
    duration_days = models.PositiveSmallIntegerField(
        _("duration (working days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to count the days from the dates."),
    )
    what_was_learned = models.TextField(_("what was learned"), blank=True, help_text=_("Markdown."))

    kind_panels = [
        FieldRowPanel([FieldPanel("sending_organisation"), FieldPanel("receiving_organisation")]),
        FieldRowPanel([FieldPanel("staff_count"), FieldPanel("duration_days")]),
        FieldPanel("what_was_learned"),
    ]
    kind_heading = _("Exchange")
    subpage_types = []
    template = "learning_events/event_page.html"

    class Meta:
        verbose_name = _("staff exchange")
        verbose_name_plural = _("staff exchanges")

    @property
    def duration(self):
        if self.duration_days:
            return self.duration_days
        if self.start_date and self.end_date:
            return (self.end_date - self.start_date).days + 1
        return None

    def clean_kind(self):
        errors = {}
        if (
            self.sending_organisation_id
            and self.sending_organisation_id == self.receiving_organisation_id
        ):
            errors["receiving_organisation"] = _(
                "The receiving organisation must differ from the sending one."
            )
        span = (
            (self.end_date - self.start_date).days + 1
            if self.start_date and self.end_date and self.end_date >= self.start_date
            else None
        )
        if self.duration_days and span and self.duration_days > span:
            errors["duration_days"] = _(
                "The duration cannot be longer than the %(days)s days between the dates."
            ) % {"days": span}
        return errors


KIND_SLUGS = {
    StudyVisitPage: "study-visit",
    MasterclassPage: "masterclass",
    PeerReviewWorkshopPage: "peer-review-workshop",
    StaffExchangePage: "staff-exchange",
}

for _kind in KIND_SLUGS:
    _kind.edit_handler = _kind.build_edit_handler()
