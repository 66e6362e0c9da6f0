"""The demo practices are found with the words a policymaker would use."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_demo_practices_are_found_with_everyday_phrasings(client):
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    expectations = {
        "home care for older people": "Help at Home",
        "employment of people with ADHD": "Employment and Inclusion of Adults with ADHD",
        "food bank": "Food Banks",
        "social caretaker": "Social Caretaker",
        "Roma children": "Integrated Community Centers",
        "young people employment": "Vamos",
    }
    for phrasing, title in expectations.items():
        # Learning events about a practice may rank beside it; narrowed to practices, the
        # practice comes first.
        response = client.get("/search/", {"q": phrasing, "type": "practice"})
        hits = [hit.title for hit in response.context["hits"]]
        assert hits and title in hits[0], (phrasing, hits)
        everything = [hit.title for hit in client.get("/search/", {"q": phrasing}).context["hits"]]
        assert title in " ".join(everything[:3]), (phrasing, everything)
    events = client.get("/search/", {"q": "peer review Prague"}).context["hits"]
    assert events and "Prague" in events[0].title
