"""Good-practice records as Markdown files with a YAML front-matter block.

The same format is used for the demo content in ``fixtures/practices/``, for
``manage.py import_practices`` and for the download on each practice page, so that an export
imported again changes nothing.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.text import slugify

from portal.models import (
    CooperationProject,
    Country,
    Organisation,
    Region,
    TargetGroup,
)
from portal.yaml_lines import Problem, line_of, load_with_lines

from .models import (
    NARRATIVE_SECTIONS,
    PracticeBudget,
    PracticeContact,
    PracticeIndexPage,
    PracticeLink,
    PracticeOutcome,
    PracticePage,
)

# Headings as they appear in files (English, independent of the admin's language).
SECTION_HEADINGS = {
    "context": "Context",
    "practice": "The practice",
    "resources": "Resources and budget",
    "evidence": "Evidence of success",
    "difficulties": "Difficulties encountered",
    "transferability": "Potential for learning or transfer",
}
assert [name for name, _heading in NARRATIVE_SECTIONS] == list(SECTION_HEADINGS)
HEADING_TO_FIELD = {heading.lower(): name for name, heading in SECTION_HEADINGS.items()}

FRONT_MATTER_KEYS = [
    "slug",
    "title",
    "summary",
    "country",
    "regions",
    "lead_organisation",
    "partner_organisations",
    "project",
    "funding_programme",
    "themes",
    "target_groups",
    "status",
    "start_year",
    "end_year",
    "budgets",
    "outcomes",
    "contacts",
    "links",
]
# The keys each row may have. Which are required, how long they may be and what they may
# contain are the model's rules, checked by its full_clean() (see build_and_clean).
ROW_KEYS = {
    "budgets": {"amount", "currency", "period", "year", "funding_sources"},
    "outcomes": {"label", "value", "unit", "year"},
    "contacts": {"name", "role", "organisation", "email", "phone", "public", "consent_date"},
    "links": {"title", "url"},
}


class ImportFailed(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ParsedPractice:
    source: str
    data: dict = field(default_factory=dict)
    sections: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)  # path tuple -> line number in the file
    problems: list = field(default_factory=list)
    resolved: dict = field(default_factory=dict)

    def line(self, *path):
        return line_of(self.lines, *path)

    def error(self, message, *path):
        self.problems.append(Problem(self.source, self.line(*path), message))


def parse_practice(text, source="<text>"):
    """Split a file into front matter and narrative sections; syntax problems only."""
    parsed = ParsedPractice(source=source)
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    match = re.match(r"---\n(.*?\n)---[ \t]*(?:\n|$)", text, re.S)
    if not match:
        parsed.error("the file must start with a front-matter block between '---' lines")
        return parsed
    front, body = match.group(1), text[match.end() :]
    data, lines, problem = load_with_lines(front, source, first_line=2)
    if problem:
        problem.message = f"front matter is {problem.message}"
        parsed.problems.append(problem)
        return parsed
    if data is None:
        data = {}
    if not isinstance(data, dict):
        parsed.error("the front matter must be a set of 'key: value' lines")
        return parsed
    parsed.lines = lines
    parsed.data = data

    body_offset = front.count("\n") + 3  # the two '---' lines plus 1-based numbering
    current, buffer = None, []
    for number, line in enumerate(body.split("\n"), start=body_offset):
        heading = re.match(r"##\s+(.+?)\s*#*\s*$", line)
        if heading and not line.startswith("###"):
            if current:
                parsed.sections[current] = "\n".join(buffer).strip()
            name = HEADING_TO_FIELD.get(heading.group(1).strip().lower())
            if name is None:
                expected = ", ".join(f"'{h}'" for h in SECTION_HEADINGS.values())
                parsed.problems.append(
                    Problem(
                        source,
                        number,
                        f"unknown section '{heading.group(1)}' (expected one of {expected})",
                    )
                )
            elif name in parsed.sections:
                parsed.problems.append(
                    Problem(source, number, f"section '{heading.group(1)}' appears twice")
                )
            current, buffer = name or "__ignored__", []
            parsed.lines[("section", name)] = number
        elif current:
            buffer.append(line)
        elif line.strip():
            parsed.problems.append(
                Problem(source, number, "text before the first '## ' section heading")
            )
            current, buffer = "__ignored__", []
    if current:
        parsed.sections[current] = "\n".join(buffer).strip()
    parsed.sections.pop("__ignored__", None)
    parsed.sections.pop(None, None)
    return parsed


def _as_int_year(parsed, value, *path):
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        parsed.error(f"'{value}' is not a year", *path)
        return None
    return value


def _as_decimal(parsed, value, what, *path):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        parsed.error(
            f"malformed {what} '{value}': write a plain number such as 12500 or 2.5", *path
        )
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        parsed.error(
            f"malformed {what} '{value}': write a plain number such as 12500 or 2.5", *path
        )
        return None
    if not number.is_finite():
        parsed.error(f"malformed {what} '{value}'", *path)
        return None
    return number


def _as_text(parsed, value, *path):
    if value is None:
        value = ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        parsed.error(f"'{path[-1]}' must be text", *path)
        return ""
    return str(value).strip()


def _as_list(parsed, value, *path):
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        parsed.error(f"'{path[-1]}' must be a list, e.g. [a, b]", *path)
        return []
    return value


class ReferenceCache:
    """Looks reference data up once per import rather than once per file."""

    def __init__(self):
        self.countries = {c.code.upper(): c for c in Country.objects.all()}
        self.countries_by_name = {c.name.lower(): c for c in self.countries.values()}
        self.regions = {}
        for region in Region.objects.all():
            self.regions[(region.country_id, region.name.lower())] = region
            self.regions[(region.country_id, region.slug)] = region
        self.organisations = {o.name.lower(): o for o in Organisation.objects.all()}
        self.projects = {p.acronym.lower(): p for p in CooperationProject.objects.originals()}
        self.target_groups = {}
        for group in TargetGroup.objects.all():
            self.target_groups[group.slug] = group
            self.target_groups[group.name.lower()] = group


def resolve_practice(parsed, refs):
    """Turn the file's values into model values: known keys, the right YAML types, references
    to existing countries, regions, organisations and so on. Problems are appended to
    ``parsed``. The model's own rules are checked later, on the built page."""
    data, resolved = parsed.data, parsed.resolved
    if not data:
        return parsed
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            parsed.error(f"unknown field '{key}'", key)

    resolved["title"] = _as_text(parsed, data.get("title"), "title")
    resolved["summary"] = _as_text(parsed, data.get("summary"), "summary")
    # The slug says which practice a file updates, so it is settled here, before building.
    resolved["slug"] = _as_text(parsed, data.get("slug"), "slug") or slugify(resolved["title"])

    country = None
    code = data.get("country")
    if isinstance(code, bool):
        parsed.error('write the country code in quotes, e.g. country: "NO"', "country")
    elif code not in (None, ""):
        country = refs.countries.get(str(code).upper()) or refs.countries_by_name.get(
            str(code).lower()
        )
        if country is None:
            parsed.error(f"unknown country '{code}' (use an ISO code such as ES)", "country")
    resolved["country"] = country

    regions = []
    for i, name in enumerate(_as_list(parsed, data.get("regions"), "regions")):
        if country is None:
            break
        region = refs.regions.get((country.id, str(name).lower())) or refs.regions.get(
            (country.id, str(name))
        )
        if region is None:
            parsed.error(f"unknown region '{name}' in {country.name}", "regions", i)
        else:
            regions.append(region)
    resolved["regions"] = regions

    def organisation(name, *path):
        org = refs.organisations.get(str(name).strip().lower())
        if org is None:
            parsed.error(f"unknown organisation '{name}'", *path)
        return org

    lead = data.get("lead_organisation")
    resolved["lead_organisation"] = organisation(lead, "lead_organisation") if lead else None
    partners = []
    for i, name in enumerate(
        _as_list(parsed, data.get("partner_organisations"), "partner_organisations")
    ):
        org = organisation(name, "partner_organisations", i)
        if org:
            partners.append(org)
    resolved["partner_organisations"] = partners

    project = data.get("project")
    resolved["project"] = None
    if project not in (None, ""):
        resolved["project"] = refs.projects.get(str(project).lower())
        if resolved["project"] is None:
            parsed.error(f"unknown cooperation project '{project}' (use its acronym)", "project")

    resolved["funding_programme"] = _as_text(
        parsed, data.get("funding_programme"), "funding_programme"
    )

    themes = [
        str(t).strip() for t in _as_list(parsed, data.get("themes"), "themes") if str(t).strip()
    ]
    resolved["themes"] = themes

    groups = []
    for i, name in enumerate(_as_list(parsed, data.get("target_groups"), "target_groups")):
        group = refs.target_groups.get(str(name)) or refs.target_groups.get(str(name).lower())
        if group is None:
            parsed.error(f"unknown target group '{name}'", "target_groups", i)
        else:
            groups.append(group)
    resolved["target_groups"] = groups

    resolved["status"] = (
        _as_text(parsed, data.get("status"), "status")
        or PracticePage._meta.get_field("status").get_default()
    )
    resolved["start_year"] = _as_int_year(parsed, data.get("start_year"), "start_year")
    resolved["end_year"] = _as_int_year(parsed, data.get("end_year"), "end_year")

    rows = {}
    for key, allowed in ROW_KEYS.items():
        rows[key] = []
        for i, row in enumerate(_as_list(parsed, data.get(key), key)):
            if not isinstance(row, dict):
                parsed.error(f"each entry of '{key}' must be a set of 'key: value' lines", key, i)
                continue
            for name in row:
                if name not in allowed:
                    parsed.error(f"unknown field '{name}' in {key}", key, i, name)
            rows[key].append(row)

    resolved["budgets"] = []
    for i, row in enumerate(rows["budgets"]):
        amount = (
            _as_decimal(parsed, row.get("amount"), "budget", "budgets", i, "amount")
            if "amount" in row
            else None
        )
        currency = str(row.get("currency") or "").strip().upper()
        if "currency" in row and not re.fullmatch(r"[A-Z]{3}", currency):
            parsed.error(
                f"malformed budget: currency '{row.get('currency')}' "
                "is not an ISO code such as EUR",
                "budgets",
                i,
                "currency",
            )
        resolved["budgets"].append(
            PracticeBudget(
                amount=amount,
                currency=currency,
                period=_as_text(parsed, row.get("period"), "budgets", i, "period"),
                year=_as_int_year(parsed, row.get("year"), "budgets", i, "year"),
                funding_sources=_as_text(
                    parsed, row.get("funding_sources"), "budgets", i, "funding_sources"
                ),
            )
        )

    resolved["outcomes"] = []
    for i, row in enumerate(rows["outcomes"]):
        value = (
            _as_decimal(parsed, row.get("value"), "outcome value", "outcomes", i, "value")
            if "value" in row
            else None
        )
        resolved["outcomes"].append(
            PracticeOutcome(
                label=_as_text(parsed, row.get("label"), "outcomes", i, "label"),
                value=value,
                unit=_as_text(parsed, row.get("unit"), "outcomes", i, "unit"),
                year=_as_int_year(parsed, row.get("year"), "outcomes", i, "year"),
            )
        )

    resolved["contacts"] = []
    for i, row in enumerate(rows["contacts"]):
        public = row.get("public", False)
        if not isinstance(public, bool):
            parsed.error("'public' must be true or false", "contacts", i, "public")
        consent = row.get("consent_date")
        if consent is not None and not hasattr(consent, "isoformat"):
            parsed.error(
                "'consent_date' must be a date such as 2024-05-31", "contacts", i, "consent_date"
            )
            consent = None
        resolved["contacts"].append(
            PracticeContact(
                name=_as_text(parsed, row.get("name"), "contacts", i, "name"),
                role=_as_text(parsed, row.get("role"), "contacts", i, "role"),
                organisation=_as_text(
                    parsed, row.get("organisation"), "contacts", i, "organisation"
                ),
                email=_as_text(parsed, row.get("email"), "contacts", i, "email"),
                phone=_as_text(parsed, row.get("phone"), "contacts", i, "phone"),
                public=public is True,
                consent_date=consent,
            )
        )

    resolved["links"] = [
        PracticeLink(
            title=_as_text(parsed, row.get("title"), "links", i, "title"),
            url=_as_text(parsed, row.get("url"), "links", i, "url"),
        )
        for i, row in enumerate(rows["links"])
    ]

    for name in SECTION_HEADINGS:
        resolved[name] = parsed.sections.get(name, "")
    return parsed


def practice_to_data(page, include_private=True):
    """The front-matter dictionary and sections of a page, in file order, read through the
    practice's public record (practices/schemas.py) with the references a file names things
    by (``PracticeFile``). Without ``include_private`` (public downloads) only contacts who
    consented are listed, and never with their email address."""
    from .schemas import PracticeFile

    record = PracticeFile.model_validate(page)

    def number(text):
        if text is None:
            return None
        value = Decimal(text).normalize()
        return int(value) if value == value.to_integral_value() else float(value)

    data = {
        "slug": record.slug,
        "title": record.title,
        "summary": record.summary,
        "country": record.country.code,
        "regions": record.regions,
        "lead_organisation": record.lead_organisation,
        "partner_organisations": record.partner_organisations,
        "project": record.project_acronym,
        "funding_programme": record.own_funding_programme,
        "themes": record.themes,
        "target_groups": record.target_group_slugs,
        "status": record.status,
        "start_year": record.start_year,
        "end_year": record.end_year,
        "budgets": [
            _compact({**budget.model_dump(exclude={"label"}), "amount": number(budget.amount)})
            for budget in record.budgets
        ],
        "outcomes": [
            _compact({**outcome.model_dump(), "value": number(outcome.value)})
            for outcome in record.outcomes
        ],
        "contacts": [
            _compact(
                {
                    **contact.model_dump(),
                    "email": contact.email if include_private else None,
                },
                keep={"public"},
            )
            for contact in record.file_contacts
            if include_private or contact.public
        ],
        "links": [link.model_dump() for link in record.links],
    }
    data = {k: v for k, v in data.items() if v not in (None, "", [])}
    sections = {name: record.narrative.model_dump()[name] or "" for name in SECTION_HEADINGS}
    return data, sections


def _compact(row, keep=()):
    return {k: v for k, v in row.items() if k in keep or v not in (None, "")}


def export_practice(page, include_private=True):
    data, sections = practice_to_data(page, include_private=include_private)
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    parts = [f"---\n{front}---\n"]
    for name, heading in SECTION_HEADINGS.items():
        text = sections[name].strip()
        parts.append(f"## {heading}\n\n{text}\n" if text else f"## {heading}\n")
    return "\n".join(parts)


def _comparable(resolved):
    """Resolved import data reduced to plain values, to tell whether a file changes a page."""
    plain = {}
    for key, value in resolved.items():
        if key in ("budgets", "outcomes", "contacts", "links"):
            plain[key] = [
                {
                    f.attname: getattr(row, f.attname)
                    for f in row._meta.concrete_fields
                    if f.attname not in ("id", "practice_id", "sort_order")
                }
                for row in value
            ]
        elif key in ("regions", "partner_organisations", "target_groups"):
            plain[key] = sorted(obj.pk for obj in value)
        elif key == "themes":
            plain[key] = sorted(t.lower() for t in value)
        elif hasattr(value, "pk"):
            plain[key] = value.pk
        else:
            plain[key] = value
    return plain


def _page_resolved(page):
    """The same shape as validate_practice's result, read from a page."""
    resolved = {
        "title": page.title,
        "summary": page.summary,
        "slug": page.slug,
        "country": page.country,
        "regions": list(page.regions.all()),
        "lead_organisation": page.lead_organisation,
        "partner_organisations": list(page.partner_organisations.all()),
        "project": page.project,
        "funding_programme": page.funding_programme,
        "themes": [t.name for t in page.themes.all()],
        "target_groups": list(page.target_groups.all()),
        "status": page.status,
        "start_year": page.start_year,
        "end_year": page.end_year,
        "budgets": list(page.budgets.all()),
        "outcomes": list(page.outcomes.all()),
        "contacts": list(page.contacts.all()),
        "links": list(page.links.all()),
    }
    for name in SECTION_HEADINGS:
        resolved[name] = getattr(page, name)
    return resolved


def _apply(resolved, page):
    for key in (
        "title",
        "summary",
        "slug",
        "country",
        "lead_organisation",
        "project",
        "funding_programme",
        "status",
        "start_year",
        "end_year",
        *SECTION_HEADINGS,
    ):
        setattr(page, key, resolved[key])
    page.regions.set(resolved["regions"])
    page.partner_organisations.set(resolved["partner_organisations"])
    page.target_groups.set(resolved["target_groups"])
    page.themes.set(resolved["themes"], clear=True)
    for relation in ("budgets", "outcomes", "contacts", "links"):
        rows = resolved[relation]
        for order, row in enumerate(rows):
            row.sort_order = order
        setattr(page, relation, rows)


# The model's fields set from a file, and where each sits in it (see ParsedPractice.lines):
# the front matter's keys but the rows (their own models) and the themes (tags, not checked
# by full_clean), and the narrative sections.
PAGE_FIELDS = [
    *(key for key in FRONT_MATTER_KEYS if key not in ROW_KEYS and key != "themes"),
    *SECTION_HEADINGS,
]
ROW_EXCLUDE = ["id", "practice", "sort_order"]


def _field_path(name):
    return ("section", name) if name in SECTION_HEADINGS else (name,)


def _report(parsed, error, label, *path):
    """One problem per message of a ValidationError, at the line of the field it names."""
    for name, messages in error.message_dict.items():
        where = path if name == NON_FIELD_ERRORS else (*path, *_field_path(name))
        what = ", ".join(filter(None, [label, "" if name == NON_FIELD_ERRORS else name]))
        for message in messages:
            parsed.error(f"{what}: {message}" if what else message, *where)


def build_and_clean(parsed, page):
    """Put the file's values on ``page`` (new or existing, nothing is written) and check
    them with the model's own full_clean(), as the admin does; problems go to ``parsed``."""
    _apply(parsed.resolved, page)
    exclude = [f.name for f in page._meta.get_fields() if f.name not in PAGE_FIELDS]
    try:
        page.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        _report(parsed, error, "")
    for relation in ROW_KEYS:
        for i, row in enumerate(parsed.resolved[relation]):
            try:
                row.full_clean(exclude=ROW_EXCLUDE, validate_unique=False)
            except ValidationError as error:
                _report(parsed, error, f"{relation} {i + 1}", relation, i)


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


def import_practices(sources, *, publish=False, user=None, index_page=None):
    """Check every source, then save all of them or none.

    ``sources`` is a list of (name, text) pairs. Raises ImportFailed listing every problem.
    """
    refs = ReferenceCache()
    parsed_all = []
    problems = []
    seen_slugs = {}
    for name, text in sources:
        parsed = resolve_practice(parse_practice(text, name), refs)
        slug = parsed.resolved.get("slug")
        if slug:
            if slug in seen_slugs:
                parsed.error(f"slug '{slug}' is also used by {seen_slugs[slug]}", "slug")
            seen_slugs[slug] = name
        parsed_all.append(parsed)
    if index_page is None:
        index_page = PracticeIndexPage.objects.filter(translated_version__isnull=True).first()
        if index_page is None:
            problems.append(
                Problem("<portal>", 0, "there is no practice index page to import into")
            )

    result = ImportResult()
    # The original versions: a translation keeps its original's slug under its own locale's
    # index (docs/languages.md) and is edited through the translation workflow instead.
    originals = PracticePage.objects.filter(slug__in=seen_slugs, translated_version__isnull=True)
    existing = {p.slug: p for p in originals.specific()}
    # Building a page may create theme tags: inside the transaction, so that a problem found
    # in any file leaves nothing behind.
    with transaction.atomic():
        pages = []
        for parsed in parsed_all:
            if parsed.problems:
                continue
            page = existing.get(parsed.resolved["slug"])
            unchanged = (
                page is not None
                and _comparable(_page_resolved(page)) == _comparable(parsed.resolved)
                and not page.has_unpublished_changes
                and (page.live or not publish)
            )
            if unchanged:
                result.unchanged.append(page)
                continue
            new = page is None
            page = page or PracticePage(live=False)
            build_and_clean(parsed, page)
            pages.append((page, new))
        problems = [p for parsed in parsed_all for p in parsed.problems] + problems
        if problems:
            raise ImportFailed(problems)

        for page, new in pages:
            if new:
                index_page.add_child(instance=page)
            (result.created if new else result.updated).append(page)
            revision = page.save_revision(user=user, log_action=True)
            if publish:
                revision.publish(user=user)
    return result


def read_sources(paths):
    """(name, text) pairs for the given files and directories (``*.md`` inside them)."""
    sources = []
    for path in paths:
        path = Path(path)
        files = sorted(path.glob("*.md")) if path.is_dir() else [path]
        for file in files:
            sources.append((str(file), file.read_text(encoding="utf-8")))
    return sources
