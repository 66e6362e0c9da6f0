"""OpenGraph and schema.org (JSON-LD) metadata of a record's page, for link previews and
search engines. A record offers ``discovery_metadata(request)`` returning a ``Metadata``;
the ``{% record_metadata obj %}`` tag (portal_tags) writes it into the page's head.

Addresses are absolute on the public address (portal/public_address.py). The JSON-LD is
written inside a <script> element, where HTML escaping does not apply: ``json_ld`` escapes
``<``, ``>`` and ``&`` (and the two JavaScript line separators) as JSON ``\\u`` escapes, so
no text an editor types can close the element.
"""

import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .public_address import absolute_url

JSON_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass
class Metadata:
    title: str
    description: str
    url: str
    og_type: str = "website"
    json_ld: dict = field(default_factory=dict)
    extra_og: list = field(default_factory=list)  # [(property, content)]


def json_ld(data):
    """``data`` as JSON safe to put between <script> tags."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=False)
    return text.translate(JSON_ESCAPES)


def render(metadata, site_name, language):
    og = [
        ("og:type", metadata.og_type),
        ("og:title", metadata.title),
        ("og:description", metadata.description),
        ("og:url", metadata.url),
        ("og:site_name", site_name),
        ("og:locale", language.replace("-", "_")),
        *metadata.extra_og,
    ]
    tags = format_html_join("\n", '<meta property="{}" content="{}">', [(k, v) for k, v in og if v])
    tags += format_html('\n<meta name="twitter:card" content="{}">', "summary")
    if metadata.json_ld:
        data = {"@context": "https://schema.org", **metadata.json_ld}
        tags += mark_safe(  # noqa: S308 - escaped by json_ld()
            '\n<script type="application/ld+json">' + json_ld(data) + "</script>"
        )
    return tags


def place(country=None, city="", name="", region=None):
    """A schema.org Place."""
    address = {"@type": "PostalAddress"}
    if city:
        address["addressLocality"] = city
    if region is not None:
        address["addressRegion"] = region.name
    if country is not None:
        address["addressCountry"] = country.code
    data = {"@type": "Place", "address": address}
    if name:
        data["name"] = name
    return data


def organisation(org):
    data = {"@type": "Organization", "name": org.name}
    if getattr(org, "website", ""):
        data["url"] = org.website
    return data


def project_metadata(project):
    """A cooperation project's page (portal/views.py project_detail)."""
    url = absolute_url(project.get_absolute_url())
    data = {
        "@type": "Project",
        "name": project.name,
        "alternateName": project.acronym,
        "url": url,
        "description": project.summary,
        "areaServed": [{"@type": "Country", "name": c.name} for c in project.countries.all()],
        "member": [organisation(o) for o in project.partners.all()],
    }
    if project.website:
        data["sameAs"] = project.website
    if project.start_date:
        data["foundingDate"] = project.start_date
    if project.end_date:
        data["dissolutionDate"] = project.end_date
    return Metadata(
        title=f"{project.acronym} – {project.name}",
        description=project.summary,
        url=url,
        json_ld={k: v for k, v in data.items() if v not in ("", [], None)},
    )
