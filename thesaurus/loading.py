"""fixtures/thesaurus.yaml: the controlled vocabulary as an editable file (format in the
file's header and docs/search.md, "Thesaurus").

Every concept is checked (the rules of thesaurus/models.py, with line numbers) before
anything is saved; a concept is matched by its ``slug`` and written only where the file
differs from the database, so loading twice changes nothing. Concepts added in the admin and
absent from the file are left alone."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from portal.cache import new_generation
from portal.demo import DemoDataError
from portal.models import TargetGroup, Theme
from portal.yaml_lines import Problem, line_of, load_with_lines
from search import thesaurus as search_thesaurus

from .models import (
    Concept,
    ConceptLabel,
    LabelKind,
    broader_loop,
    label_keys,
    label_problems,
    loop_message,
)

THESAURUS_FILE = Path(settings.BASE_DIR) / "fixtures" / "thesaurus.yaml"
KEYS = {"slug", "labels", "hidden", "definition", "broader", "target_groups", "themes"}


class Entry:
    """One concept of the file, resolved and checked."""

    def __init__(self, data, index, source, lines):
        self.data, self.index, self.source, self.lines = data, index, source, lines
        self.problems = []
        self.slug = ""
        self.rows = []  # (language, kind, text), the main language's preferred label first
        self.row_paths = []

    def error(self, message, *path):
        line = line_of(self.lines, self.index, *path)
        self.problems.append(Problem(self.source, line, str(message)))

    @property
    def name(self):
        return self.rows[0][2] if self.rows else self.slug


def _list(entry, key):
    value = entry.data.get(key)
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        entry.error(f"'{key}' must be a list of text, e.g. [a, b]", key)
        return []
    return value


def _labels(entry, key, kind_of):
    """Rows of ``labels: {en: [...], de: [...]}`` (or ``hidden:``); ``kind_of(position)``."""
    value = entry.data.get(key) or {}
    if not isinstance(value, dict):
        entry.error(f"'{key}' must map language codes to lists, e.g. {key}: {{en: [a, b]}}", key)
        return
    languages = dict(settings.LANGUAGES)
    for language, texts in value.items():
        if language not in languages:
            entry.error(
                f"unknown language '{language}' (one of {', '.join(languages)})", key, language
            )
            continue
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            entry.error(f"the labels in '{language}' must be a list of text", key, language)
            continue
        for position, text in enumerate(texts):
            text = text.strip()
            if len(text) > 200:
                entry.error("a label is at most 200 characters", key, language, position)
                continue
            entry.rows.append((language, kind_of(language, position), text))
            entry.row_paths.append((key, language, position))


def _parse(entry):
    data = entry.data
    if not isinstance(data, dict):
        entry.error("each concept is a set of 'key: value' lines starting with '- slug:'")
        return
    for key in data:
        if key not in KEYS:
            entry.error(f"unknown key '{key}' (one of {', '.join(sorted(KEYS))})", key)
    slug = data.get("slug")
    if not isinstance(slug, str) or not slug or slug != slugify(slug):
        entry.error("'slug' must be lowercase letters, digits and hyphens, e.g. older-people")
    else:
        entry.slug = slug
    main = settings.LANGUAGE_CODE
    if not isinstance(data.get("labels"), dict) or not data["labels"].get(main):
        entry.error(f"a concept needs labels in '{main}', its preferred label first", "labels")
        return

    def shown_kind(language, position):
        return LabelKind.ALTERNATIVE.value if position else LabelKind.PREFERRED.value

    _labels(entry, "labels", shown_kind)
    _labels(entry, "hidden", lambda language, position: LabelKind.HIDDEN.value)
    # The main language's preferred label first, as Concept.label_rows() gives them.
    preferred = (main, LabelKind.PREFERRED.value)
    first = next((i for i, row in enumerate(entry.rows) if row[:2] == preferred), None)
    if first is None:
        entry.rows, entry.row_paths = [], []  # the malformed label list is reported
        return
    if first:
        for rows in (entry.rows, entry.row_paths):
            rows.insert(0, rows.pop(first))
    definition = data.get("definition")
    if definition is not None and not isinstance(definition, str):
        entry.error("'definition' must be text", "definition")


def _read(path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DemoDataError(f"{path}: {exc}") from exc
    data, lines, problem = load_with_lines(text, str(path))
    if problem:
        raise DemoDataError(str(problem))
    if data is None:
        return [], lines
    if not isinstance(data, list):
        raise DemoDataError(f"{path}, line 1: the file must be a list of concepts ('- slug: …')")
    return data, lines


def load_thesaurus(path=None):
    """Create or update the concepts of the file; all or nothing. Raises DemoDataError with
    every problem as "file, line N: problem"."""
    path = Path(path or THESAURUS_FILE)
    data, lines = _read(path)
    entries = [Entry(item, index, str(path), lines) for index, item in enumerate(data)]
    for entry in entries:
        _parse(entry)

    by_slug = {}
    for entry in entries:
        if entry.slug in by_slug:
            entry.error(f"slug '{entry.slug}' is also used on line {by_slug[entry.slug].line}")
        elif entry.slug:
            entry.line = line_of(lines, entry.index)
            by_slug[entry.slug] = entry

    stored = {
        concept.slug: concept
        for concept in Concept.objects.prefetch_related(
            "labels", "broader", "target_groups", "themes"
        )
    }
    groups = {group.slug: group for group in TargetGroup.objects.all()}
    themes = {}
    for theme in Theme.objects.all():
        themes[theme.slug] = themes[theme.name.lower()] = theme

    # Labels: unique per language across the file and the concepts only the admin has.
    admin_only = [c for slug, c in stored.items() if slug not in by_slug]
    for position, entry in enumerate(entries):
        if not entry.rows or entry.problems:
            continue
        # Against the concepts above it: a clash is reported once, on the later label.
        others = label_keys(
            [(e.name, e.rows) for e in entries[:position] if e.rows]
            + [(c.preferred_label, c.label_rows()) for c in admin_only]
        )
        for index, message in label_problems(entry.rows, others):
            entry.error(message, *entry.row_paths[index])

    # Broader links: known concepts, no loops.
    edges = {slug: {b.slug for b in concept.broader.all()} for slug, concept in stored.items()}
    for entry in entries:
        broader = _list(entry, "broader")
        for position, slug in enumerate(broader):
            if slug not in by_slug and slug not in stored:
                entry.error(f"unknown broader concept '{slug}'", "broader", position)
        entry.broader = [slug for slug in broader if slug in by_slug or slug in stored]
        if entry.slug:
            edges[entry.slug] = set(entry.broader)
    for entry in entries:
        if entry.slug and entry.broader and not entry.problems:
            chain = broader_loop(entry.slug, entry.broader, edges)
            if chain:
                entry.error(loop_message(chain, lambda slug: slug), "broader")

    for entry in entries:
        entry.groups = []
        for position, slug in enumerate(_list(entry, "target_groups")):
            if slug in groups:
                entry.groups.append(groups[slug])
            else:
                entry.error(
                    f"unknown target group '{slug}' (see fixtures/reference/target_groups.yaml)",
                    "target_groups",
                    position,
                )
        entry.themes = _list(entry, "themes")

    problems = [problem for entry in entries for problem in entry.problems]
    if problems:
        raise DemoDataError("\n".join(str(problem) for problem in problems))
    return _save(entries, stored, themes)


def _sync_links(concept, name, wanted):
    """Make the concept's ``name`` links (a ParentalManyToManyField) exactly ``wanted`` pks,
    writing the through table only where they differ; True when something changed."""
    field = Concept._meta.get_field(name)
    through = field.remote_field.through
    own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
    links = through.objects.filter(**{own: concept.pk})
    current = set(links.values_list(f"{other}_id", flat=True))
    wanted = set(wanted)
    if current == wanted:
        return False
    links.filter(**{f"{other}_id__in": current - wanted}).delete()
    through.objects.bulk_create(
        [through(**{f"{own}_id": concept.pk, f"{other}_id": pk}) for pk in sorted(wanted - current)]
    )
    return True


def _theme(name, themes):
    theme = themes.get(name.lower()) or themes.get(slugify(name))
    if theme is None:  # themes are free tags: the file may name one no practice uses yet
        theme = Theme.objects.create(name=name, slug=slugify(name))
        themes[theme.slug] = themes[name.lower()] = theme
    return theme


@transaction.atomic
def _save(entries, stored, themes):
    created = updated = 0
    concepts = {}
    for entry in entries:
        concept = stored.get(entry.slug)
        fields = {
            "preferred_label": entry.rows[0][2],
            "definition": (entry.data.get("definition") or "").strip(),
        }
        changed = False
        if concept is None:
            concept = Concept.objects.create(slug=entry.slug, **fields)
            created += 1
        elif any(getattr(concept, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(concept, name, value)
            concept.save(update_fields=list(fields))
            changed = True
        concepts[entry.slug] = concept
        labels = entry.rows[1:]
        current = list(
            ConceptLabel.objects.filter(concept=concept)
            .order_by("sort_order", "pk")
            .values_list("language", "kind", "text")
        )
        if current != labels:
            ConceptLabel.objects.filter(concept=concept).delete()
            ConceptLabel.objects.bulk_create(
                ConceptLabel(concept=concept, language=language, kind=kind, text=text, sort_order=i)
                for i, (language, kind, text) in enumerate(labels)
            )
            changed = True
        entry.concept, entry.changed = concept, changed
    for entry in entries:
        concept = entry.concept
        changed = _sync_links(
            concept, "broader", [concepts.get(s, stored.get(s)).pk for s in entry.broader]
        )
        changed |= _sync_links(concept, "target_groups", [group.pk for group in entry.groups])
        changed |= _sync_links(
            concept, "themes", [_theme(name, themes).pk for name in entry.themes]
        )
        if (changed or entry.changed) and entry.slug in stored:
            updated += 1
    if created or updated:
        # Label rows are written in bulk, without the signals that would say so.
        search_thesaurus.forget()
        new_generation()
    unchanged = len(entries) - created - updated
    return (
        f"Thesaurus: {len(entries)} concepts ({created} created, {updated} updated, "
        f"{unchanged} unchanged)"
    )
