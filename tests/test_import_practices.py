"""manage.py import_practices and the Markdown download: validate everything first, save all
or nothing, update in place, round-trip unchanged."""

import pytest
from django.core.management import CommandError, call_command

from portal.demo import load_reference_data
from portal.models import Theme
from practices.models import PracticePage

GOOD = """---
slug: {slug}
title: {title}
summary: Hourly home care for older people and people with disabilities.
country: BG
lead_organisation: Agency for Social Assistance (Bulgaria)
themes: [home care]
target_groups: [older-people]
status: ongoing
start_year: 2012
budgets:
  - amount: 32000000
    currency: BGN
    period: total
  - amount: 16000000
    currency: EUR
outcomes:
  - label: People reached
    value: 11500
    unit: people
contacts:
  - name: Jane Doe
    email: jane@example.org
    public: true
    consent_date: 2024-05-31
links:
  - title: Agency
    url: https://example.org/
---
## Context

Rural municipalities lack home care.

## The practice

Units for home-based care.

## Resources and budget

## Evidence of success

More than 11,500 people reached.

## Difficulties encountered

## Potential for learning or transfer

Any municipality could do this.
"""


@pytest.fixture
def reference(practice_index):
    load_reference_data()
    return practice_index


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    call_command("import_practices", *[str(a) for a in args], stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_import_creates_drafts_then_updates_in_place(reference, tmp_path):
    path = write(tmp_path, "a.md", GOOD.format(slug="help-at-home", title="Help at Home"))
    run(path)
    page = PracticePage.objects.get(slug="help-at-home")
    assert not page.live
    assert page.budgets.count() == 2 and page.budget_eur == 16000000
    assert page.outcomes.get().value == 11500

    write(tmp_path, "a.md", GOOD.format(slug="help-at-home", title="Help at Home (2014)"))
    run(path, "--publish")
    assert PracticePage.objects.count() == 1
    page = PracticePage.objects.get(slug="help-at-home")
    assert page.live and page.title == "Help at Home (2014)"


def test_import_publish_flag(reference, tmp_path):
    run(write(tmp_path, "a.md", GOOD.format(slug="x", title="X")), "--publish")
    assert PracticePage.objects.get(slug="x").live


@pytest.mark.parametrize(
    "change, line, message",
    [
        (("country: BG", "country: XX"), 5, "unknown country 'XX'"),
        (("  - amount: 32000000", "  - amount: 32,000,000 lev"), 12, "malformed budget"),
        (("title: Bad\n", "\n"), 2, "title: This field cannot be blank"),
        (("target_groups: [older-people]", "target_groups: [aliens]"), 8, "unknown target group"),
        (("start_year: 2012", "start_year: twenty"), 10, "'twenty' is not a year"),
        (
            ("    email: jane@example.org", "    email: not-an-email"),
            23,
            "contacts 1, email: Enter a valid email address",
        ),
        (("## The practice", "## The Practise"), 34, "unknown section 'The Practise'"),
        (("lead_organisation: Agency", "lead_organisation: Nobody"), 6, "unknown organisation"),
        (("themes: [home care]", "themes: [home care"), 8, "not valid YAML"),
        # The model's own rules (full_clean), reported at the field's line:
        (("slug: bad", "slug: compare"), 2, "slug: “compare” is taken by a page of the portal"),
        (("title: Bad", "title: " + "B" * 256), 3, "title: Ensure this value has at most 255"),
        (("summary: Hourly", "summary: " + "x" * 1200), 4, "summary: Ensure this value has at"),
        (("start_year: 2012", "start_year: 1850"), 10, "start_year: Ensure this value is greater"),
        (("status: ongoing", "status: dormant"), 9, "status: Value 'dormant' is not a valid"),
        (("  - amount: 32000000", "  - amount: -5"), 12, "budgets 1, amount: Ensure this value"),
        (("    period: total", "    period: yearly"), 14, "budgets 1, period: Value 'yearly' is"),
        (
            ("    currency: BGN", "    currency: XYZ"),
            13,
            "budgets 1, currency: “XYZ” is not an ISO",
        ),
        (("  - name: Jane Doe", "  - name: " + "J" * 151), 22, "contacts 1, name: Ensure this"),
        (("    consent_date: 2024-05-31\n", ""), 22, "consent_date: Give the date the person"),
        (
            ("    url: https://example.org/", "    url: nowhere"),
            28,
            "links 1, url: Enter a valid URL",
        ),
        (("start_year: 2012", "start_year: 2012\nend_year: 2010"), 11, "end_year: The end year"),
    ],
)
def test_a_bad_file_names_file_line_and_problem_and_nothing_is_saved(
    reference, tmp_path, capsys, change, line, message
):
    good = write(tmp_path, "good.md", GOOD.format(slug="good", title="Good"))
    text = GOOD.format(slug="bad", title="Bad").replace(*change, 1)
    assert text != GOOD.format(slug="bad", title="Bad")
    bad = write(tmp_path, "bad.md", text)
    with pytest.raises(CommandError, match="nothing was imported"):
        run(good, bad)
    problems = capsys.readouterr().err.splitlines()
    assert len(problems) == 1, problems
    assert f"bad.md, line {line}: " in problems[0] and message in problems[0], problems
    assert PracticePage.objects.count() == 0


def test_duplicate_slugs_in_one_import_are_refused(reference, tmp_path, capsys):
    a = write(tmp_path, "a.md", GOOD.format(slug="same", title="A"))
    b = write(tmp_path, "b.md", GOOD.format(slug="same", title="B"))
    with pytest.raises(CommandError):
        run(a, b)
    assert "also used by" in capsys.readouterr().err
    assert PracticePage.objects.count() == 0


def test_missing_path_is_a_clear_error(reference, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(tmp_path / "nope.md")


def test_markdown_download_round_trips_unchanged(reference, tmp_path, admin_client, client):
    """An editor's download is the full record; a visitor's never shows an email address."""
    run(write(tmp_path, "a.md", GOOD.format(slug="round", title="Round trip")), "--publish")
    page = PracticePage.objects.get(slug="round")
    public = client.get(f"{page.url}markdown/").content.decode()
    assert "Jane Doe" in public and "jane@example.org" not in public
    client = admin_client
    response = client.get(f"{page.url}markdown/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert 'filename="round.md"' in response["Content-Disposition"]
    exported = response.content.decode()
    revisions = page.revisions.count()

    run(write(tmp_path, "round.md", exported), "--publish")
    page = PracticePage.objects.get(slug="round")
    assert page.revisions.count() == revisions  # recognised as unchanged
    assert client.get(f"{page.url}markdown/").content.decode() == exported
    assert "amount: 16000000" in exported and "## Evidence of success" in exported


def test_a_bad_update_leaves_the_practice_and_the_themes_as_they_were(reference, tmp_path, capsys):
    path = write(tmp_path, "a.md", GOOD.format(slug="kept", title="Kept"))
    run(path, "--publish")
    page = PracticePage.objects.get(slug="kept")
    revisions = page.revisions.count()
    text = GOOD.format(slug="kept", title="K" * 256).replace("[home care]", "[a brand-new theme]")
    write(tmp_path, "a.md", text)
    with pytest.raises(CommandError, match="nothing was imported"):
        run(path)
    problem = capsys.readouterr().err.splitlines()[0]
    assert problem.endswith(
        "a.md, line 3: title: Ensure this value has at most 255 characters (it has 256)."
    )
    page = PracticePage.objects.get(slug="kept")
    assert page.title == "Kept" and page.revisions.count() == revisions
    assert not page.has_unpublished_changes
    assert not Theme.objects.filter(name="a brand-new theme").exists()
