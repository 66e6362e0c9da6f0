"""Demo content: reference data from ``fixtures/reference/*.yaml`` and the site skeleton.

Every step is idempotent (looked up by natural key, updated in place), so loading twice
neither fails nor duplicates anything.
"""

from contextlib import contextmanager
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.text import slugify
from wagtail.models import Page, ReferenceIndex, Site
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task

from .models import (
    AccessibilityStatementPage,
    CooperationProject,
    Country,
    FundingProgramme,
    HomePage,
    LegalNoticePage,
    Organisation,
    OrganisationType,
    PrivacyNoticePage,
    Region,
    TargetGroup,
    Theme,
)
from .models.labels import validate_labels
from .public_address import site_address, sync_default_site

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

HOME_INTRO = (
    "An open knowledge base of **good practices in social inclusion** from regions across "
    "Europe, written by the people who run them: what was done, for whom, with what budget "
    "and what results, and how it could work elsewhere. Search the practices, follow the "
    "learning events of interregional cooperation projects and take part in peer reviews."
)


class DemoDataError(Exception):
    pass


def _read(name):
    path = FIXTURES_DIR / "reference" / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path}: {exc}") from exc


def _choice(value, choices, where):
    if value not in choices.values:
        raise DemoDataError(
            f"{where}: unknown value '{value}' (one of {', '.join(choices.values)})"
        )
    return value


def _labels(row, where):
    """A row's ``labels`` (names in the other languages), checked like the admin checks them."""
    labels = row.get("labels") or {}
    try:
        validate_labels(labels)
    except ValidationError as exc:
        raise DemoDataError(f"{where}: labels: {' '.join(exc.messages)}") from None
    return labels


@contextmanager
def reference_index_updated_once():
    """Wagtail updates its reference index (where an image, a snippet, a page is used) at
    every save of a tracked object, and the demo saves most pages several times (created,
    revised, published). Within this block each object saved is noted and its references
    are updated once, at the end, from its final state: the index ends up the same. Deleting
    still updates the index at once, as Wagtail does."""
    saved = {}

    def note(sender, instance, raw=False, **kwargs):
        if not raw and sender in ReferenceIndex.tracked_models:
            # Last saved, last updated: a page saved as its specific class and as a parent
            # class is indexed as the one saved last, as it is by Wagtail's own receiver.
            key = (sender._meta.app_label, sender._meta.model_name, str(instance.pk))
            saved.pop(key, None)
            saved[key] = True

    def removed(sender, instance, **kwargs):
        # What Wagtail's own receiver does, which the switch below turns off too.
        if sender in ReferenceIndex.tracked_models:
            saved.pop((sender._meta.app_label, sender._meta.model_name, str(instance.pk)), None)
            with transaction.atomic():
                ReferenceIndex.remove_for_object(instance)
                ReferenceIndex.remove_references_to(instance)

    post_save.connect(note, weak=False, dispatch_uid="demo_reference_index_note")
    post_delete.connect(removed, weak=False, dispatch_uid="demo_reference_index_removed")
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        post_save.disconnect(dispatch_uid="demo_reference_index_note")
        post_delete.disconnect(dispatch_uid="demo_reference_index_removed")
        for app_label, model_name, pk in saved:
            if apps.get_model(app_label, model_name)._default_manager.filter(pk=pk).exists():
                update_reference_index_task.enqueue(app_label, model_name, pk)


@transaction.atomic
def load_reference_data():
    counts = {}
    countries = {}
    for row in _read("countries.yaml"):
        if not isinstance(row.get("code"), str):
            # YAML reads a bare NO (Norway) as false.
            raise DemoDataError(f"countries.yaml: code {row.get('code')!r} must be quoted text")
        country, _ = Country.objects.update_or_create(
            code=row["code"].upper(), defaults={"name": row["name"]}
        )
        countries[country.code] = country
    counts["countries"] = len(countries)

    def country_of(code, where):
        try:
            return countries[str(code).upper()]
        except KeyError:
            raise DemoDataError(f"{where}: unknown country '{code}'") from None

    regions = {}
    for row in _read("regions.yaml"):
        country = country_of(row["country"], f"regions.yaml: {row['name']}")
        region, _ = Region.objects.update_or_create(
            country=country,
            name=row["name"],
            defaults={
                "name_en": row.get("name_en") or "",
                "nuts_code": row.get("nuts_code") or "",
                "slug": row.get("slug") or slugify(f"{row['name']}-{country.code}"),
            },
        )
        regions[(country.code, region.name)] = region
    counts["regions"] = len(regions)

    organisations = {}
    for row in _read("organisations.yaml"):
        where = f"organisations.yaml: {row['name']}"
        country = country_of(row["country"], where) if row.get("country") else None
        region = None
        if row.get("region"):
            region = regions.get((country.code if country else None, row["region"]))
            if region is None:
                raise DemoDataError(f"{where}: unknown region '{row['region']}'")
        org, _ = Organisation.objects.update_or_create(
            name=row["name"],
            defaults={
                "organisation_type": _choice(row.get("type", "other"), OrganisationType, where),
                "country": country,
                "region": region,
                "website": row.get("website") or "",
            },
        )
        organisations[org.name] = org
    counts["organisations"] = len(organisations)

    for row in _read("projects.yaml"):
        where = f"projects.yaml: {row['acronym']}"
        project, _ = CooperationProject.objects.originals().update_or_create(
            acronym=row["acronym"],
            defaults={
                "name": row["name"],
                "slug": row.get("slug") or slugify(row["acronym"]),
                "programme": _choice(row.get("programme", "other"), FundingProgramme, where),
                "start_date": row.get("start_date"),
                "end_date": row.get("end_date"),
                "summary": (row.get("summary") or "").strip(),
                "website": row.get("website") or "",
            },
        )
        project.countries.set([country_of(c, where) for c in row.get("countries", [])])
        partners = []
        for name in row.get("partners", []):
            if name not in organisations:
                raise DemoDataError(f"{where}: unknown partner '{name}'")
            partners.append(organisations[name])
        project.partners.set(partners)
        project.save()
    counts["projects"] = CooperationProject.objects.originals().count()

    for row in _read("target_groups.yaml"):
        TargetGroup.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "labels": _labels(row, f"target_groups.yaml: {row['slug']}"),
                "description": row.get("description", ""),
            },
        )
    counts["target groups"] = TargetGroup.objects.count()

    for row in _read("themes.yaml"):
        where = f"themes.yaml: {row['name']}"
        theme = Theme.objects.filter(name__iexact=row["name"]).first() or Theme(name=row["name"])
        theme.labels = _labels(row, where)
        theme.save()
    counts["themes"] = Theme.objects.count()
    return counts


@transaction.atomic
def ensure_home_page():
    """A HomePage at the root of the default site, replacing Wagtail's welcome page."""
    from .languages import ensure_locales

    ensure_locales()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        for page in root.get_children():
            if page.specific_class is Page and not page.get_children().exists():
                page.delete()
        home = root.add_child(
            instance=HomePage(
                title="Interregional good practices in social inclusion",
                slug="home",
                intro=HOME_INTRO,
                seo_title="Good practices in social inclusion",
            )
        )
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        hostname, port = site_address()
        Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=home,
            is_default_site=True,
            site_name="Good-practice portal",
        )
    else:
        if site.root_page_id != home.id:
            site.root_page = home
            site.save()
        sync_default_site()
    return home


def ensure_child_page(parent, page_class, **fields):
    """The single child of ``page_class`` under ``parent``, created and published if missing."""
    existing = page_class.objects.child_of(parent).first()
    if existing:
        return existing
    page = parent.add_child(instance=page_class(**fields))
    page.save_revision().publish()
    return page


LEGAL_PAGES = {
    "privacy": PrivacyNoticePage,
    "accessibility": AccessibilityStatementPage,
    "legal-notice": LegalNoticePage,
}


def load_legal_pages(home):
    """The privacy notice, accessibility statement and legal notice from
    ``fixtures/pages/legal.yaml``, each created and published under ``home`` if missing (a
    page edited in the admin is left as it is)."""
    path = FIXTURES_DIR / "pages" / "legal.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path}: {exc}") from exc
    unknown = set(data) - set(LEGAL_PAGES)
    if unknown:
        raise DemoDataError(
            f"{path}: unknown page '{sorted(unknown)[0]}' (one of {', '.join(LEGAL_PAGES)})"
        )
    created = 0
    for key, model in LEGAL_PAGES.items():
        if key not in data or model.objects.exists():
            continue
        fields = dict(data[key])
        known = {f.name for f in model._meta.get_fields()}
        for name in fields:
            if name not in known:
                raise DemoDataError(f"{path}: {key}: unknown field '{name}'")
        page = model(**fields)
        try:
            page.full_clean(exclude=["path", "depth"])
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise DemoDataError(f"{path}: {key}: {problems}") from exc
        with transaction.atomic():
            home.add_child(instance=page)
            page.save_revision().publish()
        created += 1
    return f"Legal pages: {created} created, {len(data) - created} already there"


def load_project_translations():
    """The demo projects' names and summaries in other languages (``translations`` in
    fixtures/reference/projects.yaml), each the project's translation in that language.
    Loaded after the illustrations, so that a new translation shares its original's image
    from the start and a second load changes nothing."""
    from collections import Counter

    outcomes = Counter()
    for row in _read("projects.yaml"):
        where = f"projects.yaml: {row['acronym']}"
        translations = row.get("translations") or {}
        if not translations:
            continue
        project = CooperationProject.objects.originals().get(acronym=row["acronym"])
        for language, fields in translations.items():
            unknown = set(fields or {}) - {"name", "summary"}
            if unknown:
                raise DemoDataError(f"{where} ({language}): unknown fields {sorted(unknown)}")
            fields = {name: (value or "").strip() for name, value in fields.items()}
            outcomes[ensure_record_translation(project, language, where=where, **fields)] += 1
    return "Project translations: " + ", ".join(
        f"{outcomes[name]} {name}" for name in ("created", "updated", "unchanged")
    )


def ensure_record_translation(record, language, where="", **fields):
    """The version of a translatable record that is not a page (a cooperation project) in
    ``language`` with these field values: created with Wagtail's copy for translation (as
    wagtail-localize's "Translate" does, so it knows its original), its shared fields kept
    in step with the original's, saved only when something changed. Returns "created",
    "updated" or "unchanged"."""
    from wagtail.models import Locale
    from wagtail_localize.fields import copy_synchronised_fields

    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        raise DemoDataError(f"{where}: no locale for language {language!r}")
    translation = record.get_translation_or_none(locale)
    outcome = "updated"
    if translation is None:
        translation = record.copy_for_translation(locale)
        outcome = "created"
    before = {f.attname: getattr(translation, f.attname) for f in translation._meta.fields}
    copy_synchronised_fields(record, translation)
    for name, value in fields.items():
        setattr(translation, name, value)
    after = {f.attname: getattr(translation, f.attname) for f in translation._meta.fields}
    if outcome == "updated" and before == after:
        return "unchanged"
    try:
        translation.full_clean()
    except ValidationError as exc:
        raise DemoDataError(f"{where} ({language}): {exc}") from exc
    translation.save()
    return outcome


def ensure_translation(page, language, **fields):
    """The published version of ``page`` in ``language`` with these field values, made by
    people (a TranslatedVersion of kind "human"): created with Wagtail's copy for translation
    (parent pages not yet translated become aliases), published again only when a value
    changed. Returns "created", "updated" or "unchanged"."""
    from wagtail.models import Locale

    from .models import TranslatedVersion, TranslationKind

    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        raise DemoDataError(f"{page.slug}: no locale for language {language!r}")
    translation = page.get_translation_or_none(locale)
    outcome = "updated"
    if translation is None:
        translation = page.copy_for_translation(locale, copy_parents=True)
        outcome = "created"
    translation = translation.specific
    version, _created = TranslatedVersion.objects.get_or_create(page_id=translation.pk)
    if version.kind != TranslationKind.HUMAN:
        version.kind = TranslationKind.HUMAN
        version.save()
    current = all(getattr(translation, name) == value for name, value in fields.items())
    published = translation.live and not translation.has_unpublished_changes
    if outcome == "updated" and published and current:
        return "unchanged"
    for name, value in fields.items():
        setattr(translation, name, value)
    try:
        translation.save_revision().publish()
    except ValidationError as exc:
        raise DemoDataError(f"{page.slug} ({language}): {exc}") from exc
    return outcome
