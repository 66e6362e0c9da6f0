"""A small, fully known corpus for the search contract suite."""

from decimal import Decimal

from portal.models import Theme
from practices.models import PracticeStatus
from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    make_practice,
    make_site,
)


def theme(name):
    found, _created = Theme.objects.get_or_create(
        name=name, defaults={"slug": name.replace(" ", "-")}
    )
    return found


def make_search_corpus():
    """Five practices whose words, facets and numbers the contract tests rely on."""
    _home, index = make_site()
    bg = CountryFactory(code="BG", name="Bulgaria")
    dk = CountryFactory(code="DK", name="Denmark")
    it = CountryFactory(code="IT", name="Italy")
    es = CountryFactory(code="ES", name="Spain")
    lombardia = RegionFactory(name="Lombardia", slug="lombardia", country=it)
    emilia = RegionFactory(name="Emilia-Romagna", slug="emilia-romagna", country=it)
    valencia = RegionFactory(name="Comunitat Valenciana", slug="valencia", country=es)
    midt = RegionFactory(name="Midtjylland", slug="midtjylland", country=dk)
    older = TargetGroupFactory(name="Older people", slug="older-people")
    disabled = TargetGroupFactory(name="People with disabilities", slug="disabilities")
    young = TargetGroupFactory(name="Young people", slug="young-people")
    poor = TargetGroupFactory(name="People at risk of poverty", slug="poverty-risk")
    near = CooperationProjectFactory(acronym="NEAR", slug="near", programme="interreg-europe")
    pact = CooperationProjectFactory(acronym="PACT", slug="pact", programme="easi")
    corpus = {}
    corpus["home"] = make_practice(
        index,
        title="Help at Home",
        summary="Hourly home care for older people, delivered by municipal social enterprises.",
        practice="The care units recruit unemployed people, who are employed as carers.",
        country=bg,
        lead_organisation=OrganisationFactory(name="Agency for Social Assistance", country=bg),
        themes=[theme("home care"), theme("employment")],
        target_groups=[older],
        project=near,
        status=PracticeStatus.ONGOING,
        start_year=2015,
        budgets=[{"amount": Decimal(16_000_000), "currency": "EUR"}],
    )
    corpus["randers"] = make_practice(
        index,
        title="Inclusion of adults with ADHD",
        summary="Employment support for adults with ADHD in the City of Randers.",
        practice="Job training and psychiatric assessment.",
        country=dk,
        regions=[midt],
        lead_organisation=OrganisationFactory(name="City of Randers", country=dk),
        themes=[theme("employment"), theme("mental health")],
        target_groups=[disabled],
        project=pact,
        status=PracticeStatus.COMPLETED,
        start_year=2012,
        end_year=2016,
        budgets=[{"amount": Decimal(300_000), "currency": "EUR"}],
    )
    corpus["caretaker"] = make_practice(
        index,
        title="Social caretakers in public housing",
        summary="Caretakers check on older people living alone in Milan's public housing.",
        practice="Concierges rebuild ties between neighbours.",
        country=it,
        regions=[lombardia],
        lead_organisation=OrganisationFactory(name="Comune di Milano", country=it),
        themes=[theme("housing")],
        target_groups=[older],
        project=near,
        status=PracticeStatus.ONGOING,
        start_year=2000,
        budgets=[{"amount": Decimal(2_000_000), "currency": "EUR"}],
    )
    corpus["youth"] = make_practice(
        index,
        title="Youth guarantee pathways",
        summary="Young people who left school get training and coaching towards a job.",
        practice="Mentors follow each young person for a year.",
        country=es,
        regions=[valencia],
        lead_organisation=OrganisationFactory(name="Generalitat Valenciana", country=es),
        themes=[theme("employment"), theme("youth")],
        target_groups=[young],
        status=PracticeStatus.PILOT,
        start_year=2021,
        budgets=[{"amount": Decimal(80_000), "currency": "EUR"}],
    )
    corpus["food"] = make_practice(
        index,
        title="Food bank network",
        summary="Food banks supply grassroots organisations that fight poverty.",
        practice="Volunteers sort donations; social inclusion comes through shared meals.",
        country=it,
        regions=[emilia],
        lead_organisation=OrganisationFactory(name="Banco Alimentare", country=it),
        themes=[theme("poverty")],
        target_groups=[poor],
        status=PracticeStatus.ONGOING,
        start_year=2018,
    )
    return corpus
