"""Demo content: a NEAR peer-review workshop's worksheet from the classic template, with
example answers from participants in the partner regions. Idempotent: looked up by slug and
natural keys, answers stored once per participant."""

import datetime

from django.db import transaction
from django.utils import timezone

from portal.models import CooperationProject, Country, Organisation, Region

from .models import (
    Invitation,
    PeerReviewWorksheetPage,
    QuotedAnswer,
    Recommendation,
    RecommendationsReport,
)
from .services import save_answers

WORKSHEET_SLUG = "peer-review-worksheet"
WORKSHOP_SLUG = "near-peer-review-castilla-y-leon"

CHALLENGE = (
    "Castilla y León wants its social services to **reach people before a crisis**: many "
    "households in rural areas ask for help only when several problems have piled up. How "
    "can case managers work proactively with families and community networks, without "
    "adding caseload?"
)

# The report's recommendations as records: (text, priority, response, reason, response date).
# Example data, answered by the host region (Castilla y León).
RECOMMENDATIONS = [
    (
        "Pilot proactive outreach in two rural districts, with a short shared list of warning "
        "signs that any service may flag.",
        "high",
        "accepted",
        "",
        datetime.date(2025, 3, 10),
    ),
    (
        "Give case managers one protected day a week for home visits, paid for by cutting "
        "duplicate paperwork rather than by adding staff.",
        "high",
        "partly",
        "Protected time is granted in the pilot districts only until the staffing review of 2026.",
        datetime.date(2025, 3, 10),
    ),
    (
        "Fund community partners for their part of the work through service agreements and "
        "train them together with social workers.",
        "medium",
        "accepted",
        "",
        datetime.date(2025, 3, 24),
    ),
    (
        "Replace the separate intake forms of each service with one shared assessment.",
        "medium",
        "rejected",
        "The regional data protection rules require separate records per service; the host will "
        "revisit this once the common case file is in place.",
        datetime.date(2025, 3, 24),
    ),
]

# (name, organisation, region, submitted?, answers by position among the template's questions)
PARTICIPANTS = [
    (
        "Aino Virtanen",
        "Helsinki Deaconess Institute",
        "Helsinki-Uusimaa",
        True,
        {
            0: "Rural households reach services late, once problems have piled up; "
            "the host wants case managers to go to people earlier and to lean on family "
            "and neighbours.",
            1: "A single case manager per household; strong data on who receives which benefit; "
            "municipalities willing to share staff.",
            2: "Caseloads are already high; proactive outreach risks becoming one more "
            "form to fill in. Community partners are not paid for their role.",
            3: "Pilot outreach in two rural districts with a shared list of warning "
            "signs; give case managers one protected day a week for home visits.",
            4: "Fund community partners for their part of the work and train them "
            "together with the social workers.",
            5: ["Vamos Youth Programme"],
            6: "Our youth coaches meet young people where they are; the same could be done with "
            "older people through the village pharmacy and the post office.",
            7: 4,
        },
    ),
    (
        "Lotte Peeters",
        "PPS Social Integration",
        "Région de Bruxelles-Capitale",
        True,
        {
            0: "How to make social services proactive for multi-problem families in a large, "
            "sparsely populated region.",
            1: "Clear political support and a tested case-management model (PACT) to build on.",
            2: "Data protection rules may block sharing the warning signs between services.",
            3: "Agree a data-sharing protocol with the health services first.",
            4: "Build local consultation platforms on the model of Children First.",
            5: [
                "Children First: local consultation platforms for prevention and identification "
                "of child poverty"
            ],
            6: "",
            7: 3,
        },
    ),
    (
        "Giulia Rossi",
        "Municipality of Milan",
        "Milano",
        True,
        {
            0: "Reaching isolated people early, through the community and not only the office.",
            1: "Motivated staff and good links with the health authority.",
            2: "Dependence on project funding; volunteers burn out.",
            3: "Name a community contact person in each village, as our social caretakers "
            "do in Milan's social districts.",
            4: "Make proactive outreach part of the regional social services law.",
            5: [
                "The Social Caretaker in Social Districts (Custodi sociali), Milan",
            ],
            6: "The caretakers' daily contact with older tenants could be adapted to villages "
            "through the local pharmacy.",
            7: 5,
        },
    ),
    (
        "Jan Novák",
        None,
        "Praha",
        False,
        {
            0: "Early help for rural households.",
        },
    ),
]

SYNTHESIS = """The peers agree that the host's case-management model is a strong base and that
the obstacle is **time and trust**, not method.

## Short term
- Pilot proactive outreach in two rural districts, with protected time for home visits.
- Agree a data-sharing protocol with the health services before sharing warning signs.

## Long term
- Pay community partners for their part of the work and train them with the social workers.
- Make proactive outreach part of the regional social services law.
"""


def _find_workshop(home):
    from learning_events.models import LearningEventIndexPage, PeerReviewWorkshopPage

    existing = PeerReviewWorksheetPage.objects.filter(slug=WORKSHEET_SLUG).first()
    if existing:
        return existing.get_parent().specific
    workshop = (
        PeerReviewWorkshopPage.objects.filter(project__acronym="NEAR")
        .order_by("start_date", "pk")
        .first()
    )
    if workshop:
        return workshop
    index = LearningEventIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=LearningEventIndexPage(title="Learning events", slug="events")
        )
        index.save_revision().publish()
    host_org = Organisation.objects.filter(name="Social Services of Castilla y León").first()
    workshop = PeerReviewWorkshopPage(
        title="NEAR peer review in Castilla y León",
        slug=WORKSHOP_SLUG,
        summary="Peers from Finland, Belgium and Italy review how Castilla y León's social "
        "services could reach households earlier. Example event.",
        start_date=datetime.date(2026, 3, 11),
        end_date=datetime.date(2026, 3, 12),
        time_zone="Europe/Madrid",
        venue_city="Valladolid",
        venue_country=Country.objects.get(code="ES"),
        host_region=Region.objects.filter(name="Castilla y León").first(),
        host_organisation=host_org,
        project=CooperationProject.objects.originals().filter(acronym="NEAR").first(),
        policy_challenge=CHALLENGE,
        policy_instrument="Castilla y León Social Services Strategic Plan",
        is_example=True,
        status="held",
    )
    workshop.peer_organisations = list(
        Organisation.objects.filter(
            name__in=[
                "Helsinki Deaconess Institute",
                "PPS Social Integration",
                "Municipality of Milan",
            ]
        )
    )
    index.add_child(instance=workshop)
    workshop.save_revision().publish()
    return workshop


@transaction.atomic
def load_demo(home):
    from practices.models import PracticePage

    workshop = _find_workshop(home)
    worksheet = (
        PeerReviewWorksheetPage.objects.child_of(workshop).filter(slug=WORKSHEET_SLUG).first()
    )
    created = worksheet is None
    if created:
        worksheet = PeerReviewWorksheetPage(
            title="Peer-review worksheet",
            slug=WORKSHEET_SLUG,
            intro="Please answer after the site visit. Your answers are read by the organisers "
            "and the host only. *Example worksheet.*",
            deadline=timezone.now() + datetime.timedelta(days=365),
            thank_you_text="Thank you! The host will receive the recommendations report.",
        )
        worksheet.apply_template()
        workshop.add_child(instance=worksheet)
        worksheet.save_revision().publish()
    worksheet.refresh_from_db()
    questions = worksheet.get_question_rows()
    practices = {
        p.title: p.pk for p in PracticePage.objects.live().filter(translated_version__isnull=True)
    }

    answered = 0
    for name, org_name, region_name, submit, answers in PARTICIPANTS:
        organisation = Organisation.objects.filter(name=org_name).first() if org_name else None
        invitation, _ = Invitation.objects.get_or_create(
            event=workshop,
            name=name,
            defaults={
                "region": Region.objects.filter(name=region_name).first(),
                "organisation": organisation,
                "email": f"{name.split()[0].lower()}@example.org",
            },
        )
        if worksheet.get_submissions().filter(invitation=invitation).exists():
            continue
        data = {}
        for position, value in answers.items():
            question = questions[position]
            if question.field_type == "practice":
                value = [practices[t] for t in value if t in practices]
            data[question.clean_name] = value
        save_answers(worksheet, invitation, data, submit=submit)
        answered += 1

    report, report_created = RecommendationsReport.objects.get_or_create(
        worksheet=worksheet, defaults={"synthesis": SYNTHESIS}
    )
    if report_created:
        recommendation_fields = [questions[3].clean_name, questions[4].clean_name]
        QuotedAnswer.objects.bulk_create(
            [
                QuotedAnswer(report=report, submission=s, field_name=field)
                for s in worksheet.get_submissions().filter(status="submitted")
                for field in recommendation_fields
            ]
        )
    host_region = Region.objects.filter(name="Castilla y León").first()
    host = Organisation.objects.filter(name="Social Services of Castilla y León").first()
    for number, (text, priority, response, reason, day) in enumerate(RECOMMENDATIONS, start=1):
        Recommendation.objects.get_or_create(
            report=report,
            sort_order=number,
            defaults={
                "text": text,
                "priority": priority,
                "response": response,
                "response_reason": reason,
                "response_date": day,
                "addressed_region": host_region,
                "addressed_organisation": host,
            },
        )
    return (
        f"Peer review: worksheet {'created' if created else 'kept'} under "
        f"'{workshop.title}', {answered} example answers added"
    )
