"""Practices like a given one, or like a visitor's context: one scoring rule for both the
"Practices like this one" box of a practice page and the "find practices for my context"
form (docs/practices.md, "Contexts like mine").

A :class:`Context` says what a transfer depends on: where (country, regions), for whom
(target groups), on what (themes), with how much money (budget bands) and when (start
year), plus words for the search engine. :func:`ranked` scores every public practice
against it in one database query: each criterion (``_points``) is an expression worth some
points, the score is their sum, and a practice's reasons are the criteria that gave it
points. The words go through the search engine (``search.engines.search``), so
text similarity gets better with the engine's own ranking.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Q, Value, When
from django.db.models.functions import Least
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.visibility import public_pages
from search.engines import search
from search.facets import BUDGET_BANDS
from search.query import SearchQuery, parse_text

from .models import PracticePage, PracticeTheme

# How many related practices a practice page shows.
RELATED_SHOWN = 5
# How many practices the context form answers with.
CONTEXT_SHOWN = 10

# Points per criterion. Target groups and themes count per shared one, up to a cap, so
# that a practice tagged with everything does not win on tags alone.
TARGET_GROUP_POINTS, TARGET_GROUP_CAP = 3, 2
THEME_POINTS, THEME_CAP = 2, 2
REGION_POINTS = 3  # on top of the country's points: a shared region is in the same country
COUNTRY_POINTS = 2
BUDGET_SAME_BAND_POINTS, BUDGET_NEXT_BAND_POINTS = 2, 1
TIMESCALE_POINTS, TIMESCALE_YEARS = 1, 5
# The search engine's answer to the words: its first TEXT_TOP hits are worth more than the
# rest of its first TEXT_CANDIDATES.
TEXT_TOP_POINTS, TEXT_TOP = 4, 5
TEXT_POINTS, TEXT_CANDIDATES = 2, 20
# Words of a practice's title sent to the engine (stop words dropped).
TEXT_WORDS = 6


@dataclass(frozen=True)
class Context:
    """What a transfer depends on. Empty parts are not scored."""

    country_id: int | None = None
    region_ids: frozenset = frozenset()
    target_group_ids: frozenset = frozenset()
    theme_ids: frozenset = frozenset()
    # (first, last) index into search.facets.BUDGET_BANDS, both included.
    budget_bands: tuple[int, int] | None = None
    start_year: int | None = None
    words: str = ""
    exclude_id: int | None = None
    # How the reason for matching words reads.
    words_reason: object = field(default=_("similar words"), compare=False)

    @classmethod
    def of_practice(cls, page):
        """The context of a practice: its own place, groups, themes, budget, years, title."""
        band = budget_band(page.budget_eur)
        return cls(
            country_id=page.country_id,
            region_ids=frozenset(region.pk for region in page.regions.all()),
            target_group_ids=frozenset(group.pk for group in page.target_groups.all()),
            theme_ids=frozenset(theme.pk for theme in page.themes.all()),
            budget_bands=None if band is None else (band, band),
            start_year=page.start_year,
            words=" ".join(str(term) for term in parse_text(page.title).required[:TEXT_WORDS]),
            exclude_id=page.pk,
        )


def budget_band(amount):
    """The index in BUDGET_BANDS of the band holding ``amount`` (EUR), or None."""
    if amount is None:
        return None
    for index, (_value, _label, low, high) in enumerate(BUDGET_BANDS):
        if (low is None or amount >= low) and (high is None or amount < high):
            return index
    return None


def bands_between(low, high):
    """(first, last) band indexes a budget range from ``low`` to ``high`` EUR (either may be
    None) overlaps."""
    first = budget_band(low) if low is not None else 0
    last = budget_band(high) if high is not None else len(BUDGET_BANDS) - 1
    return first, max(first, last)


def _budget_q(first, last):
    """Practices whose headline budget lies in bands ``first``..``last`` (clamped)."""
    first, last = max(first, 0), min(last, len(BUDGET_BANDS) - 1)
    low, high = BUDGET_BANDS[first][2], BUDGET_BANDS[last][3]
    q = Q(budget_eur__isnull=False)
    if low is not None:
        q &= Q(budget_eur__gte=low)
    if high is not None:
        q &= Q(budget_eur__lt=high)
    return q


def _member(ids_query):
    """1 for the practices among ``ids_query``'s, else 0. The subquery does not depend on the
    row, so the database runs it once per query, not once per practice."""
    return Case(When(pk__in=ids_query, then=Value(1)), default=Value(0))


def _points(context, text_hits):
    """{annotation name: expression} of the points each criterion gives a practice."""
    points = {}
    if context.target_group_ids:
        links = PracticePage.target_groups.through.objects
        shared = sum(
            _member(links.filter(targetgroup_id=pk).values("practicepage_id"))
            for pk in sorted(context.target_group_ids)
        )
        points["points_groups"] = Least(shared, Value(TARGET_GROUP_CAP)) * TARGET_GROUP_POINTS
    if context.theme_ids:
        shared = sum(
            _member(PracticeTheme.objects.filter(tag_id=pk).values("content_object_id"))
            for pk in sorted(context.theme_ids)
        )
        points["points_themes"] = Least(shared, Value(THEME_CAP)) * THEME_POINTS
    if context.region_ids:
        links = PracticePage.regions.through.objects
        points["points_region"] = (
            _member(links.filter(region_id__in=context.region_ids).values("practicepage_id"))
            * REGION_POINTS
        )
    if context.country_id is not None:
        points["points_country"] = Case(
            When(country_id=context.country_id, then=Value(COUNTRY_POINTS)), default=Value(0)
        )
    if context.budget_bands is not None:
        first, last = context.budget_bands
        points["points_budget"] = Case(
            When(_budget_q(first, last), then=Value(BUDGET_SAME_BAND_POINTS)),
            When(_budget_q(first - 1, last + 1), then=Value(BUDGET_NEXT_BAND_POINTS)),
            default=Value(0),
        )
    if context.start_year is not None:
        points["points_timescale"] = Case(
            When(
                start_year__gte=context.start_year - TIMESCALE_YEARS,
                start_year__lte=context.start_year + TIMESCALE_YEARS,
                then=Value(TIMESCALE_POINTS),
            ),
            default=Value(0),
        )
    if text_hits:
        points["points_words"] = Case(
            When(pk__in=text_hits[:TEXT_TOP], then=Value(TEXT_TOP_POINTS)),
            When(pk__in=text_hits[TEXT_TOP:], then=Value(TEXT_POINTS)),
            default=Value(0),
        )
    return points


def text_hits(words, exclude_id=None):
    """Ids of the practices the search engine ranks first for ``words``."""
    query = SearchQuery(words, {"type": ["practice"]}, per_page=TEXT_CANDIDATES + 1, snippets=False)
    if not query.parsed.required:
        return []
    hits = [hit.object_id for hit in search(query).hits if hit.type == "practice"]
    return [pk for pk in hits if pk != exclude_id][:TEXT_CANDIDATES]


def ranked(context, limit):
    """Up to ``limit`` public practices best matching ``context``, best first, each with
    ``related_score`` and ``related_reasons`` (short translatable phrases). A fixed number of
    queries, whatever the number of practices."""
    hits = text_hits(context.words, context.exclude_id) if context.words else []
    points = _points(context, hits)
    if not points:
        return []
    scored = public_pages(PracticePage.objects).annotate(related_score=sum(points.values()))
    # The database scores every public practice, so this query holds only the score (not
    # each criterion's points, which would evaluate every criterion twice per practice) and
    # no record columns or joins. No filter on the score either (one more evaluation):
    # practices scoring nothing come last and are dropped here, and so is the practice
    # itself (excluding it in SQL makes SQLite read the rows instead of the covering index).
    rows = scored.order_by("-related_score", "title", "pk").values("pk", "related_score")
    best = [
        (row["pk"], row["related_score"])
        for row in rows[: limit + 1]
        if row["related_score"] > 0 and row["pk"] != context.exclude_id
    ][:limit]
    # The cards of the best, with each criterion's points for the reasons: the same
    # expressions, evaluated for these few practices only.
    cards = (
        PracticePage.objects.filter(pk__in=[pk for pk, _score in best])
        .annotate(**_points(context, hits))
        .with_card_data()
    )
    cards = {practice.pk: practice for practice in cards}
    found = []
    for pk, score in best:
        practice = cards.get(pk)
        if practice is None:
            continue  # unpublished between the two queries
        practice.related_score = score
        practice.related_reasons = reasons(practice, context)
        found.append(practice)
    return found


def reasons(practice, context):
    """The criteria that gave ``practice`` points, in a few words each."""
    said = []
    groups = getattr(practice, "points_groups", 0) // TARGET_GROUP_POINTS
    if groups:
        said.append(ngettext("same target group", "same target groups", groups))
    themes = getattr(practice, "points_themes", 0) // THEME_POINTS
    if themes:
        said.append(ngettext("same theme", "same themes", themes))
    if getattr(practice, "points_region", 0):
        shared = [r.name for r in practice.regions.all() if r.pk in context.region_ids]
        said.append(_("also in %(place)s") % {"place": min(shared)})
    elif getattr(practice, "points_country", 0):
        said.append(_("also in %(place)s") % {"place": practice.country.name})
    if getattr(practice, "points_budget", 0):
        said.append(_("similar budget"))
    if getattr(practice, "points_timescale", 0):
        said.append(_("similar timescale"))
    if getattr(practice, "points_words", 0):
        said.append(str(context.words_reason))
    return said
