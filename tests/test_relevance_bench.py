"""The relevance benchmark's judgments (bench/relevance_judgments.yaml) cannot rot: the file is
well formed and every practice, project, region or event it names is in the demo content.
The figures themselves are measured by bench/relevance.py, never asserted here."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from bench.relevance import Judgment, JudgmentError, expected_urls, load_judgments


def test_the_judgments_are_well_formed():
    judgments = load_judgments()
    assert len(judgments) >= 45
    needs = [need for judgment in judgments for need in judgment.needs]
    # The report breaks the figures down by these; each needs enough queries to mean something.
    assert needs.count("thesaurus") >= 5
    assert needs.count("types") >= 5


@pytest.mark.django_db
def test_every_item_the_judgments_name_is_in_the_demo_content(client):
    # What the judgments name against what the demo content holds does not depend on the
    # database (loading the demo on PostgreSQL is tested by tests/test_demo_content.py).
    if connection.vendor == "postgresql":
        pytest.skip("the judgments against the demo content: checked by the SQLite run")
    call_command("load_demo_content", stdout=io.StringIO())
    judgments = load_judgments()
    urls = expected_urls(judgments)
    named = {item for judgment in judgments for item in judgment.relevant}
    assert set(urls) == named
    for item, paths in urls.items():
        for path in paths:
            assert client.get(path).status_code == 200, item
    # A slug that is not there is reported by name.
    stale = Judgment("older people", ("practice:help-at-home", "project:no-such-project"), "x")
    with pytest.raises(JudgmentError, match="project:no-such-project"):
        expected_urls([stale])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("judgments: [{query: a, relevant: [practice:x]}]", "`note` must say why"),
        ("judgments: [{query: a, relevant: [], note: n}]", "`relevant` must list 1 to 3"),
        ("judgments: [{query: a, relevant: [page:x], note: n}]", "'page:x' is not one of"),
        ("judgments: [{query: a, relevant: [practice:x], note: n, needs: [magic]}]", "`needs`"),
        ("judgments: [{query: '', relevant: [practice:x], note: n}]", "`query` must be"),
        (
            "judgments: [{query: a, relevant: [practice:x], note: n},"
            " {query: A, relevant: [practice:y], note: n}]",
            "judged twice",
        ),
        ("judgments: [{query: a, relevant: [practice:x], note: n, weight: 2}]", "unknown keys"),
        ("queries: []", "a `judgments` list"),
        ("judgments: [", "not valid YAML"),
    ],
)
def test_a_malformed_judgments_file_is_refused_with_the_problem(tmp_path, text, problem):
    path = tmp_path / "judgments.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JudgmentError, match=problem):
        load_judgments(path)
