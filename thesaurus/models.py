"""A SKOS-style controlled vocabulary of the field: concepts with a preferred label, synonyms
and hidden labels in any language, broader/narrower links, and links to the portal's target
groups and themes. The search expands queries through it (search/thesaurus.py).

The validation rules live here once, as plain functions over (language, kind, text) rows and
{concept: broader concepts} edges, so that the admin form (thesaurus/forms.py) and the data
file loader (thesaurus/loading.py) apply the same ones."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from portal.models import TargetGroup, Theme
from search.thesaurus import ThesaurusConcept, label_key


class LabelKind(models.TextChoices):
    PREFERRED = "preferred", _("preferred")
    ALTERNATIVE = "alternative", _("alternative (synonym)")
    HIDDEN = "hidden", _("hidden (misspelling or abbreviation, searched but not shown)")


def default_language():
    return settings.LANGUAGE_CODE


def language_name(code):
    return str(dict(settings.LANGUAGES).get(code, code))


class Concept(ClusterableModel):
    slug = models.SlugField(
        _("identifier"),
        max_length=120,
        unique=True,
        help_text=_("Stable name of the concept in fixtures/thesaurus.yaml, e.g. older-people."),
    )
    preferred_label = models.CharField(
        _("preferred label"),
        max_length=200,
        help_text=_(
            "The concept's name in the site's main language (English). Preferred labels in "
            "other languages, synonyms and hidden labels go under Labels."
        ),
    )
    definition = models.TextField(
        _("definition or scope note"),
        blank=True,
        help_text=_("What the concept covers, and what it does not."),
    )
    broader = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="narrower",
        verbose_name=_("broader concepts"),
        help_text=_("More general concepts, e.g. “vulnerable groups” for “older people”."),
    )
    target_groups = ParentalManyToManyField(
        TargetGroup,
        blank=True,
        related_name="concepts",
        verbose_name=_("target groups"),
        help_text=_("Practices for these target groups are found through this concept's labels."),
    )
    themes = ParentalManyToManyField(
        Theme,
        blank=True,
        related_name="concepts",
        verbose_name=_("themes"),
        help_text=_("Practices on these themes are found through this concept's labels."),
    )

    panels = [
        FieldPanel("preferred_label"),
        FieldPanel("slug"),
        FieldPanel("definition"),
        InlinePanel("labels", heading=_("Labels"), label=_("label")),
        FieldPanel("broader"),
        FieldPanel("target_groups"),
        FieldPanel("themes"),
    ]

    class Meta:
        ordering = ["preferred_label"]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self):
        return self.preferred_label

    def label_rows(self):
        """(language, kind, text) of every label, the preferred one in the main language
        first: what search/thesaurus.py and the validation rules read."""
        rows = [(default_language(), LabelKind.PREFERRED.value, self.preferred_label)]
        rows += [(label.language, label.kind, label.text) for label in self.labels.all()]
        return rows


class ConceptLabel(Orderable):
    concept = ParentalKey(Concept, on_delete=models.CASCADE, related_name="labels")
    text = models.CharField(_("label"), max_length=200)
    language = models.CharField(
        _("language"), max_length=12, choices=settings.LANGUAGES, default=default_language
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=LabelKind.choices, default=LabelKind.ALTERNATIVE
    )

    panels = [FieldPanel("text"), FieldPanel("language"), FieldPanel("kind")]

    class Meta(Orderable.Meta):
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self):
        return f"{self.text} ({self.language})"


# -- validation rules (one place for the admin and the data file) --------------------------


def label_keys(concepts):
    """{(language, label key): concept name} for ``concepts``: iterables of
    ``(name, label rows)``."""
    keys = {}
    for name, rows in concepts:
        for language, _kind, text in rows:
            keys.setdefault((language, label_key(text, language)), name)
    return keys


def stored_label_keys(exclude=None):
    """label_keys() of the concepts in the database, ``exclude`` (a pk) left out."""
    concepts = Concept.objects.prefetch_related("labels")
    if exclude is not None:
        concepts = concepts.exclude(pk=exclude)
    return label_keys((concept.preferred_label, concept.label_rows()) for concept in concepts)


def label_problems(rows, others):
    """[(row index, message)] for one concept's label rows (``label_rows()`` shape, the main
    language's preferred label first); ``others`` is label_keys() of every other concept."""
    problems = []
    preferred = {}
    seen = set()
    main = default_language()
    for index, (language, kind, text) in enumerate(rows):
        key = label_key(text, language)
        if not key:
            problems.append(
                (index, _("“%(label)s” has no word the search can use.") % {"label": text})
            )
            continue
        if kind == LabelKind.PREFERRED:
            if index and language == main:
                problems.append(
                    (
                        index,
                        _(
                            "The preferred label in %(language)s is the concept's preferred "
                            "label field; make this one an alternative label."
                        )
                        % {"language": language_name(language)},
                    )
                )
                continue
            if language in preferred:
                problems.append(
                    (
                        index,
                        _(
                            "A concept has one preferred label per language; “%(other)s” is "
                            "already the preferred label in %(language)s."
                        )
                        % {"other": preferred[language], "language": language_name(language)},
                    )
                )
                continue
            preferred[language] = text
        if (language, key) in seen:
            problems.append(
                (
                    index,
                    _("“%(label)s” is already a label of this concept in %(language)s.")
                    % {"label": text, "language": language_name(language)},
                )
            )
            continue
        seen.add((language, key))
        if (language, key) in others:
            problems.append(
                (
                    index,
                    _(
                        "“%(label)s” is already a label of the concept “%(concept)s” in "
                        "%(language)s; a label names one concept per language."
                    )
                    % {
                        "label": text,
                        "concept": others[(language, key)],
                        "language": language_name(language),
                    },
                )
            )
    return problems


def stored_broader_edges():
    """{concept pk: {its broader concepts' pks}} from the database."""
    edges = {}
    for narrower, broader in Concept.broader.through.objects.values_list(
        "from_concept_id", "to_concept_id"
    ):
        edges.setdefault(narrower, set()).add(broader)
    return edges


def broader_loop(concept, broader, edges):
    """The chain [b, …, concept] when choosing ``broader`` for ``concept`` would make a loop
    (``b`` is already below ``concept``), else None. Works on any keys (pks or slugs);
    ``edges`` is {concept: its broader concepts}."""
    for start in broader:
        if start == concept:
            return [concept]
        # Walk up from the chosen broader concept; reaching ``concept`` closes a loop.
        parents = {start: None}
        todo = [start]
        while todo:
            current = todo.pop()
            for parent in edges.get(current, ()):
                if parent in parents:
                    continue
                parents[parent] = current
                if parent == concept:
                    chain, step = [], parent
                    while step is not None:
                        chain.append(step)
                        step = parents[step]
                    return chain[::-1]
                todo.append(parent)
    return None


def loop_message(chain, name):
    """The error for a chain from broader_loop(); ``name(key)`` words a concept."""
    if len(chain) == 1:
        return _("A concept cannot be its own broader concept.")
    path = " > ".join(name(key) for key in reversed(chain))
    return _(
        "“%(concept)s” is already narrower than this concept (%(path)s): choosing it as a "
        "broader concept would make a loop."
    ) % {"concept": name(chain[0]), "path": path}


def thesaurus_concepts():
    """Every concept as search.thesaurus.ThesaurusConcept, in five queries."""
    concepts = Concept.objects.prefetch_related(
        "labels", "narrower", "target_groups", "themes"
    ).order_by("pk")
    return [
        ThesaurusConcept(
            id=concept.pk,
            labels=tuple(concept.label_rows()),
            narrower=tuple(
                narrower.pk
                for narrower in sorted(concept.narrower.all(), key=lambda c: c.preferred_label)
            ),
            target_groups=tuple(group.slug for group in concept.target_groups.all()),
            themes=tuple(theme.slug for theme in concept.themes.all()),
        )
        for concept in concepts
    ]
