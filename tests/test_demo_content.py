"""The demo content: every seed practice loads with its key facts, and loading is idempotent."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Revision

from portal.models import CooperationProject
from practices.models import PracticePage

# slug -> (country code, a target group slug, a budget (amount, currency) or None,
#          an outcome (value, words in its label) or None)
SEED_FACTS = {
    "children-first": ("BE", "children-in-poverty", None, (57, "Public Social Welfare Centres")),
    "help-at-home": ("BG", "older-people", (32000000, "BGN"), (11500, "hourly services")),
    "randers-adhd-employment": ("DK", "unemployed-people", None, (150, "full programme")),
    "urban-health-centres-2-0": ("NL", "older-people", None, (275, "over 75")),
    "vamos-youth-programme": ("FI", "young-people-neet", (2500000, "EUR"), (1400, "Young people")),
    "siil-integrated-work-inclusion": (
        "IT",
        "people-with-disabilities",
        (879735, "EUR"),
        (360, ""),
    ),
    "food-banks-social-inclusion": ("IT", "people-at-risk-of-poverty", None, (256, "Food Banks")),
    "keck-learning-to-learn": ("AT", "women", (Decimal("228868.52"), "EUR"), None),
    "social-caretaker-milan": ("IT", "older-people", (4200000, "EUR"), (150, "caretakers")),
    "red-incluye": ("ES", "social-service-professionals", None, None),
    "reflex": ("FR", "working-poor", None, (15, "CCAS")),
    "integrated-community-centers": ("RO", "roma-communities", (797563, "EUR"), (2238, "")),
    "pact-proactive-social-inclusion": (
        "ES",
        "minimum-income-recipients",
        (Decimal("2779057.63"), "EUR"),
        (4, "Pilot locations"),
    ),
}


# One worker loads the demo content once for the whole module (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("demo_content")


@pytest.fixture
def demo(demo_content):
    """The demo content, loaded once for the module; each test's changes are rolled back."""


def test_all_thirteen_seed_practices_are_published(demo):
    live = PracticePage.objects.live().filter(translated_version__isnull=True)
    assert sorted(live.values_list("slug", flat=True)) == sorted(SEED_FACTS)


@pytest.mark.parametrize("slug", sorted(SEED_FACTS))
def test_seed_practice_key_facts(demo, client, slug):
    country, group, budget, outcome = SEED_FACTS[slug]
    page = PracticePage.objects.filter(translated_version__isnull=True).get(slug=slug)
    assert page.country.code == country
    assert group in page.target_groups.values_list("slug", flat=True)
    assert all(getattr(page, name).strip() for name in ("context", "practice", "transferability"))
    if budget:
        assert (Decimal(budget[0]), budget[1]) in {
            (b.amount, b.currency) for b in page.budgets.all()
        }
    if outcome:
        value, words = outcome
        assert any(o.value == value and words in o.label for o in page.outcomes.all())

    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert page.country.name in html
    assert page.target_groups.get(slug=group).name in html
    if budget:
        assert f"{budget[0]:,.0f}" in html or f"{budget[0]:,}" in html
    if outcome:
        assert f"{outcome[0]:,}" in html


def test_loading_creates_no_accounts(demo):
    """Demo content is fine on a production database; accounts with published passwords are
    not (those come from create_demo_users, which production settings refuse)."""
    assert not get_user_model().objects.exists()


def test_cooperation_projects_with_partner_countries(demo):
    near = CooperationProject.objects.get(acronym="NEAR")
    assert set(near.countries.values_list("code", flat=True)) == {"ES", "CZ", "FI", "BE", "IT"}
    assert CooperationProject.objects.filter(acronym="CITICESS").exists()


def test_loading_twice_changes_nothing(demo):
    pages = PracticePage.objects.count()
    revisions = Revision.objects.count()
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    assert PracticePage.objects.count() == pages
    new = Revision.objects.order_by("pk")[revisions:]
    assert Revision.objects.count() == revisions, (
        out.getvalue(),
        [(r.content_type.model, r.object_str) for r in new],
    )


# The language of each seed practice's own country (Belgium: Dutch and French; Austria:
# German), docs/languages.md.
COUNTRY_LANGUAGES = {"BE": {"nl", "fr"}, "AT": {"de"}, "BG": {"bg"}, "DK": {"da"}}
COUNTRY_LANGUAGES |= {"ES": {"es"}, "FI": {"fi"}, "FR": {"fr"}, "IT": {"it"}, "NL": {"nl"}}
COUNTRY_LANGUAGES |= {"RO": {"ro"}}


def test_every_seed_practice_speaks_its_country_language(demo, client):
    from portal.models import TranslationKind

    originals = PracticePage.objects.filter(translated_version__isnull=True).select_related(
        "country"
    )
    assert originals.count() == 13
    for original in originals:
        translations = {
            page.locale.language_code: page
            for page in PracticePage.objects.filter(translation_key=original.translation_key)
            .exclude(pk=original.pk)
            .select_related("locale", "translated_version")
        }
        assert set(translations) == COUNTRY_LANGUAGES[original.country.code], original.slug
        for language, page in translations.items():
            assert page.live and page.translated_version.kind == TranslationKind.HUMAN
            assert page.title != original.title or original.slug == "red-incluye"
            assert page.summary != original.summary
            html = client.get(page.url).content.decode()
            assert page.url.startswith(f"/{language}/") and f'<html lang="{language}">' in html
            assert 'data-version="human"' in html and f'href="{original.url}"' in html


def test_practice_index_lists_the_thirteen(demo, client):
    response = client.get("/practices/")
    assert response.status_code == 200
    assert response.context["practices"].paginator.count == 13
    assert "Help at Home" in response.content.decode()
