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
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.text import slugify

from portal.models import (
    CooperationProject,
    Country,
    FundingProgramme,
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
    PracticeStatus,
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
REQUIRED_KEYS = ["title", "summary", "country", "lead_organisation"]
ROW_KEYS = {
    "budgets": ({"amount", "currency"}, {"amount", "currency", "period", "funding_sources"}),
    "outcomes": ({"label", "value"}, {"label", "value", "unit", "year"}),
    "contacts": (
        {"name"},
        {"name", "role", "organisation", "email", "phone", "public", "consent_date"},
    ),
    "links": ({"title", "url"}, {"title", "url"}),
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
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        parsed.error(f"'{value}' is not a year between 1900 and 2100", *path)
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


def _as_text(parsed, value, *path, required=False, max_length=None):
    if value is None:
        value = ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        parsed.error(f"'{path[-1]}' must be text", *path)
        return ""
    value = str(value).strip()
    if required and not value:
        parsed.error(f"missing {path[-1].replace('_', ' ')}", *path)
    if max_length and len(value) > max_length:
        parsed.error(f"'{path[-1]}' is longer than {max_length} characters", *path)
    return value


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
        self.projects = {p.acronym.lower(): p for p in CooperationProject.objects.all()}
        self.target_groups = {}
        for group in TargetGroup.objects.all():
            self.target_groups[group.slug] = group
            self.target_groups[group.name.lower()] = group


def validate_practice(parsed, refs):
    """Check every field and resolve references; problems are appended to ``parsed``."""
    data, resolved = parsed.data, parsed.resolved
    if not data:
        return parsed
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            parsed.error(f"unknown field '{key}'", key)
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, "", []):
            parsed.error(f"missing {key.replace('_', ' ')}", key if key in data else ())

    resolved["title"] = _as_text(parsed, data.get("title"), "title", max_length=255)
    resolved["summary"] = _as_text(parsed, data.get("summary"), "summary", max_length=1200)
    slug = _as_text(parsed, data.get("slug"), "slug") or slugify(resolved["title"])
    if slug and slug != slugify(slug):
        parsed.error(
            f"slug '{slug}' may only contain lowercase letters, digits and hyphens", "slug"
        )
    resolved["slug"] = slug

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

    programme = data.get("funding_programme") or ""
    if programme and programme not in FundingProgramme.values:
        parsed.error(
            f"unknown funding programme '{programme}' "
            f"(one of {', '.join(FundingProgramme.values)})",
            "funding_programme",
        )
    resolved["funding_programme"] = programme if programme in FundingProgramme.values else ""

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

    status = data.get("status") or PracticeStatus.ONGOING
    if status not in PracticeStatus.values:
        parsed.error(
            f"unknown status '{status}' (one of {', '.join(PracticeStatus.values)})", "status"
        )
    resolved["status"] = status

    resolved["start_year"] = _as_int_year(parsed, data.get("start_year"), "start_year")
    resolved["end_year"] = _as_int_year(parsed, data.get("end_year"), "end_year")
    if (
        resolved["start_year"]
        and resolved["end_year"]
        and resolved["end_year"] < resolved["start_year"]
    ):
        parsed.error("the end year is before the start year", "end_year")

    rows = {}
    for key, (required, allowed) in ROW_KEYS.items():
        rows[key] = []
        for i, row in enumerate(_as_list(parsed, data.get(key), key)):
            if not isinstance(row, dict):
                parsed.error(f"each entry of '{key}' must be a set of 'key: value' lines", key, i)
                continue
            for name in row:
                if name not in allowed:
                    parsed.error(f"unknown field '{name}' in {key}", key, i, name)
            for name in sorted(required - set(row)):
                parsed.error(f"missing '{name}' in {key}", key, i)
            rows[key].append(row)

    resolved["budgets"] = []
    for i, row in enumerate(rows["budgets"]):
        amount = (
            _as_decimal(parsed, row.get("amount"), "budget", "budgets", i, "amount")
            if "amount" in row
            else None
        )
        if amount is not None and amount < 0:
            parsed.error("malformed budget: the amount is negative", "budgets", i, "amount")
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
                period=_as_text(parsed, row.get("period"), "budgets", i, "period", max_length=60),
                funding_sources=_as_text(
                    parsed,
                    row.get("funding_sources"),
                    "budgets",
                    i,
                    "funding_sources",
                    max_length=255,
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
                label=_as_text(
                    parsed,
                    row.get("label"),
                    "outcomes",
                    i,
                    "label",
                    required="label" in row,
                    max_length=255,
                ),
                value=value,
                unit=_as_text(parsed, row.get("unit"), "outcomes", i, "unit", max_length=40),
                year=_as_int_year(parsed, row.get("year"), "outcomes", i, "year"),
            )
        )

    resolved["contacts"] = []
    for i, row in enumerate(rows["contacts"]):
        email = _as_text(parsed, row.get("email"), "contacts", i, "email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                parsed.error(f"'{email}' is not a valid email address", "contacts", i, "email")
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
                name=_as_text(
                    parsed,
                    row.get("name"),
                    "contacts",
                    i,
                    "name",
                    required="name" in row,
                    max_length=150,
                ),
                role=_as_text(parsed, row.get("role"), "contacts", i, "role", max_length=200),
                organisation=_as_text(
                    parsed, row.get("organisation"), "contacts", i, "organisation", max_length=255
                ),
                email=email,
                phone=_as_text(parsed, row.get("phone"), "contacts", i, "phone", max_length=40),
                public=public is True,
                consent_date=consent,
            )
        )

    resolved["links"] = []
    url_validator = URLValidator(schemes=["http", "https"])
    for i, row in enumerate(rows["links"]):
        url = _as_text(parsed, row.get("url"), "links", i, "url")
        if url:
            try:
                url_validator(url)
            except ValidationError:
                parsed.error(f"'{url}' is not a valid http(s) address", "links", i, "url")
        resolved["links"].append(
            PracticeLink(
                title=_as_text(parsed, row.get("title"), "links", i, "title", max_length=255),
                url=url,
            )
        )

    for name in SECTION_HEADINGS:
        resolved[name] = parsed.sections.get(name, "")
    return parsed


def practice_to_data(page, include_private=True):
    """The front-matter dictionary and sections of a page, in file order. Without
    ``include_private`` (public downloads) only contacts who consented are listed, and never
    with their email address."""

    def number(value):
        if value is None:
            return None
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else float(value)

    data = {
        "slug": page.slug,
        "title": page.title,
        "summary": page.summary,
        "country": page.country.code,
        "regions": [r.name for r in page.regions.all()],
        "lead_organisation": page.lead_organisation.name,
        "partner_organisations": [o.name for o in page.partner_organisations.all()],
        "project": page.project.acronym if page.project_id else None,
        "funding_programme": page.funding_programme or None,
        "themes": sorted(t.name for t in page.themes.all()),
        "target_groups": [g.slug for g in page.target_groups.all()],
        "status": page.status,
        "start_year": page.start_year,
        "end_year": page.end_year,
        "budgets": [
            _compact(
                {
                    "amount": number(b.amount),
                    "currency": b.currency,
                    "period": b.period,
                    "funding_sources": b.funding_sources,
                }
            )
            for b in page.budgets.all()
        ],
        "outcomes": [
            _compact({"label": o.label, "value": number(o.value), "unit": o.unit, "year": o.year})
            for o in page.outcomes.all()
        ],
        "contacts": [
            _compact(
                {
                    "name": c.name,
                    "role": c.role,
                    "organisation": c.organisation,
                    "email": c.email if include_private else None,
                    "phone": c.phone,
                    "public": c.public,
                    "consent_date": c.consent_date,
                },
                keep={"public"},
            )
            for c in page.contacts.all()
            if include_private or c.public
        ],
        "links": [{"title": link.title, "url": link.url} for link in page.links.all()],
    }
    data = {k: v for k, v in data.items() if v not in (None, "", [])}
    sections = {name: getattr(page, name) or "" for name in SECTION_HEADINGS}
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


def _apply(page, resolved):
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


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


def import_practices(sources, *, publish=False, user=None, index_page=None):
    """Validate every source, then save all of them or none.

    ``sources`` is a list of (name, text) pairs. Raises ImportFailed listing every problem.
    """
    refs = ReferenceCache()
    parsed_all = []
    problems = []
    seen_slugs = {}
    for name, text in sources:
        parsed = validate_practice(parse_practice(text, name), refs)
        slug = parsed.resolved.get("slug")
        if slug:
            if slug in seen_slugs:
                parsed.error(f"slug '{slug}' is also used by {seen_slugs[slug]}", "slug")
            seen_slugs[slug] = name
        problems.extend(parsed.problems)
        parsed_all.append(parsed)
    if index_page is None:
        index_page = PracticeIndexPage.objects.first()
        if index_page is None:
            problems.append(
                Problem("<portal>", 0, "there is no practice index page to import into")
            )
    if problems:
        raise ImportFailed(problems)

    result = ImportResult()
    existing = {p.slug: p for p in PracticePage.objects.filter(slug__in=seen_slugs).specific()}
    with transaction.atomic():
        for parsed in parsed_all:
            resolved = parsed.resolved
            page = existing.get(resolved["slug"])
            if page is None:
                page = PracticePage(live=False)
                _apply(page, resolved)
                index_page.add_child(instance=page)
                revision = page.save_revision(user=user, log_action=True)
                if publish:
                    revision.publish(user=user)
                result.created.append(page)
                continue
            if (
                _comparable(_page_resolved(page)) == _comparable(resolved)
                and not page.has_unpublished_changes
                and (page.live or not publish)
            ):
                result.unchanged.append(page)
                continue
            _apply(page, resolved)
            revision = page.save_revision(user=user, log_action=True)
            if publish:
                revision.publish(user=user)
            result.updated.append(page)
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
