"""The filters of the events index: kind, cooperation project, host country and year.

Choices come from the events that exist, and a value that is not a choice (junk in the query
string, an old bookmark) is ignored with a notice instead of failing."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import original_version
from portal.models import CooperationProject, Country
from portal.visibility import public_pages

from .models import KIND_SLUGS, LearningEventPage


def kind_choices():
    return [(slug, kind._meta.verbose_name.capitalize()) for kind, slug in KIND_SLUGS.items()]


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    project = forms.ChoiceField(label=_("Cooperation project"), required=False)
    country = forms.ChoiceField(label=_("Host country"), required=False)
    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, data, events):
        super().__init__(data)
        ids = events.order_by().values("pk")
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]
        self.fields["project"].choices = [("", _("All projects"))] + [
            (p.slug, p.acronym)
            for p in CooperationProject.objects.originals()
            .filter(learning_events__in=ids)
            .distinct()
            .order_by("acronym")
        ]
        self.fields["country"].choices = [("", _("All countries"))] + [
            (c.code, c.name)
            for c in Country.objects.filter(learning_events__in=ids).distinct().order_by("name")
        ]
        years = sorted(
            {d.year for d in events.order_by().dates("start_date", "year")}, reverse=True
        )
        self.fields["year"].choices = [("", _("All years"))] + [(str(y), str(y)) for y in years]

    def ignored(self):
        """Labels of the filters whose value was not understood."""
        self.is_valid()
        return [str(self.fields[name].label) for name in self.errors]

    def filter(self, events):
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v}
        if "kind" in data:
            kind = next(k for k, slug in KIND_SLUGS.items() if slug == data["kind"])
            events = events.filter(content_type=ContentType.objects.get_for_model(kind))
        if "project" in data:
            events = events.filter(project__slug=data["project"])
        if "country" in data:
            events = events.filter(venue_country__code=data["country"])
        if "year" in data:
            events = events.filter(start_date__year=int(data["year"]))
        return events

    @property
    def active(self):
        self.is_valid()
        return any(self.cleaned_data.get(name) for name in self.fields)


def published_events(index=None):
    events = public_pages(LearningEventPage.objects)
    if index is not None:
        events = events.descendant_of(original_version(index))
    return events


def upcoming_first(events, now=None):
    """Upcoming events soonest first, then past events most recent first."""
    now = now or timezone.now()
    return events.annotate(
        is_past=Case(When(ends_at__lt=now, then=True), default=False),
        upcoming_key=Case(When(ends_at__gte=now, then=F("starts_at"))),
        past_key=Case(When(ends_at__lt=now, then=F("starts_at"))),
    ).order_by(
        "is_past",
        F("upcoming_key").asc(nulls_last=True),
        F("past_key").desc(nulls_last=True),
        "title",
    )
