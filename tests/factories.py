"""factory_boy factories for reference data and practices; each test builds what it needs."""

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from wagtail.models import Collection, Page, Site

from portal.models import (
    CooperationProject,
    Country,
    FundingProgramme,
    HomePage,
    Organisation,
    Region,
    TargetGroup,
)
from practices.models import PracticeBudget, PracticeIndexPage, PracticeOutcome, PracticePage


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Country {n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    country = factory.SubFactory(CountryFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    organisation_type = "public-authority"
    country = factory.SubFactory(CountryFactory)


class CooperationProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationProject

    acronym = factory.Sequence(lambda n: f"PRJ{n}")
    name = factory.LazyAttribute(lambda o: f"Project {o.acronym}")
    slug = factory.LazyAttribute(lambda o: slugify(o.acronym))
    programme = FundingProgramme.INTERREG_EUROPE


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup

    name = factory.Sequence(lambda n: f"Target group {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def ensure_wagtail_tree():
    """Transactional tests (the browser ones) flush every table afterwards, including what
    Wagtail's data migrations created; put back the default locale, root page and root
    collection so the next one starts from a working tree. Returns the root page."""
    from portal.languages import ensure_locales

    ensure_locales()
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", live=True)
    )


def make_site():
    """Home page at the root of the default site and the practice index under it."""
    root = ensure_wagtail_tree()
    home = HomePage.objects.first()
    if home is None:
        for child in root.get_children():
            child.delete()
        home = root.add_child(instance=HomePage(title="Home", slug="home"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "port": 80}
        )
    index = PracticeIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=PracticeIndexPage(title="Practices", slug="practices"))
    return home, index


def make_practice(
    index=None,
    *,
    publish=True,
    budgets=(),
    outcomes=(),
    regions=(),
    target_groups=(),
    themes=(),
    partners=(),
    **fields,
):
    """A PracticePage under the index, with child rows, saved through a revision."""
    if index is None:
        _home, index = make_site()
    n = PracticePage.objects.count()
    country = fields.pop("country", None) or CountryFactory()
    defaults = {
        "title": f"Practice {n}",
        "summary": "A practice summary.",
        "country": country,
        "lead_organisation": fields.pop("lead_organisation", None)
        or OrganisationFactory(country=country),
    }
    defaults.update(fields)
    page = PracticePage(**defaults)
    page.regions = list(regions)
    page.target_groups = list(target_groups)
    page.partner_organisations = list(partners)
    page.budgets = [PracticeBudget(**b) for b in budgets]
    page.outcomes = [PracticeOutcome(**o) for o in outcomes]
    if themes:
        page.themes.set(list(themes))
    page.live = publish
    index.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page
