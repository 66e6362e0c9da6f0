"""Field groups every learning event has, as abstract models composed into
``LearningEventPage``: when and in which time zone, where and in which format, who hosts and
who takes part, and the narrative (objectives, lessons learned)."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField

DEFAULT_TIME_ZONE = "Europe/Brussels"


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("'%(value)s' is not a known time zone (e.g. Europe/Madrid)."),
            params={"value": value},
        ) from None


def time_zone_choices():
    """Europe first (where the events are), then the rest; built at run time so that no
    migration depends on the tz database."""
    names = sorted(zoneinfo.available_timezones() - {"localtime"})
    europe = [n for n in names if n.startswith("Europe/")]
    rest = [n for n in names if not n.startswith("Europe/")]
    return [(n, n.replace("_", " ")) for n in europe + rest]


class EventFormat(models.TextChoices):
    ON_SITE = "on-site", _("On site")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for registration")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class EventScheduleMixin(models.Model):
    """Dates as the host gives them: local dates and (optional) times in the event's time
    zone. ``starts_at``/``ends_at`` are the same instants in UTC, kept in step on save, for
    ordering, "upcoming" and calendars."""

    start_date = models.DateField(_("start date"))
    start_time = models.TimeField(
        _("start time"), null=True, blank=True, help_text=_("Leave empty for an all-day event.")
    )
    end_date = models.DateField(_("end date"))
    end_time = models.TimeField(
        _("end time"), null=True, blank=True, help_text=_("Leave empty for an all-day event.")
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("The time zone of the venue; dates and times above are local times there."),
    )
    starts_at = models.DateTimeField(_("starts at (UTC)"), editable=False, db_index=True)
    ends_at = models.DateTimeField(_("ends at (UTC)"), editable=False, db_index=True)

    class Meta:
        abstract = True

    @property
    def zone(self):
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)

    @property
    def is_all_day(self):
        return self.start_time is None and self.end_time is None

    def local_start(self):
        return datetime.datetime.combine(
            self.start_date, self.start_time or datetime.time.min, tzinfo=self.zone
        )

    def local_end(self):
        # An all-day event ends at the end of its last day.
        end_time = self.end_time or datetime.time.max.replace(microsecond=0)
        return datetime.datetime.combine(self.end_date, end_time, tzinfo=self.zone)

    def compute_instants(self):
        if self.start_date and self.end_date:
            self.starts_at = self.local_start().astimezone(datetime.UTC)
            self.ends_at = self.local_end().astimezone(datetime.UTC)

    def clean_schedule(self):
        errors = {}
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                errors["end_date"] = _("The event must end after it starts.")
            elif (
                self.end_date == self.start_date
                and self.start_time
                and self.end_time
                and self.end_time <= self.start_time
            ):
                errors["end_time"] = _("The event must end after it starts.")
        return errors


class EventPlaceMixin(models.Model):
    """Where the event is held, in which format, hosted by whom."""

    event_format = models.CharField(
        _("format"), max_length=10, choices=EventFormat.choices, default=EventFormat.ON_SITE
    )
    venue_name = models.CharField(_("venue"), max_length=255, blank=True)
    venue_city = models.CharField(
        _("city"), max_length=120, blank=True, help_text=_("Required unless the event is online.")
    )
    venue_country = models.ForeignKey(
        "portal.Country",
        on_delete=models.PROTECT,
        related_name="learning_events",
        verbose_name=_("host country"),
        help_text=_("Where the event takes place; for online events, the host's country."),
    )
    host_region = models.ForeignKey(
        "portal.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("host region"),
    )
    host_organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("host organisation"),
    )
    online_url = models.URLField(
        _("online meeting link"),
        blank=True,
        help_text=_("Shown publicly; leave empty to send it to registered participants instead."),
    )

    class Meta:
        abstract = True

    def clean_place(self):
        errors = {}
        if self.event_format != EventFormat.ONLINE and not (self.venue_city or "").strip():
            errors["venue_city"] = _("Give the city of the venue for an on-site or hybrid event.")
        if (
            self.host_region_id
            and self.venue_country_id
            and self.host_region.country_id != self.venue_country_id
        ):
            errors["host_region"] = _("The host region must be in the host country.")
        return errors


class EventParticipationMixin(models.Model):
    """Who takes part: organisations and regions."""

    participating_organisations = ParentalManyToManyField(
        "portal.Organisation",
        blank=True,
        related_name="attended_events",
        verbose_name=_("participating organisations"),
    )
    participating_regions = ParentalManyToManyField(
        "portal.Region",
        blank=True,
        related_name="attended_events",
        verbose_name=_("participating regions"),
    )

    class Meta:
        abstract = True


class EventNarrativeMixin(models.Model):
    summary = models.TextField(
        _("summary"), max_length=600, help_text=_("One or two sentences for lists and feeds.")
    )
    learning_objectives = models.TextField(
        _("learning objectives"), blank=True, help_text=_("Markdown.")
    )
    lessons_learned = models.TextField(
        _("lessons learned"), blank=True, help_text=_("Markdown. Filled in after the event.")
    )

    class Meta:
        abstract = True


class EventStatusMixin(models.Model):
    status = models.CharField(
        _("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    is_example = models.BooleanField(
        _("example event"),
        default=False,
        help_text=_(
            "Tick for illustrative content (demo data): the page then says that the dates and "
            "agenda are examples."
        ),
    )

    class Meta:
        abstract = True
