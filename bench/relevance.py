"""Relevance benchmark: runs the queries of bench/relevance_judgments.yaml through the search
page on the demo content and prints, per engine, how often a practice or project a
policymaker expects comes in the top 3 (hit@3), the mean reciprocal rank of the first one
(MRR, 0 when none is on the first page), the share of queries with no result at all, the
same by language and by what a query needs (`needs:` in the judgments), and the queries
that miss with what came first. See docs/search.md, "Relevance".

    python bench/relevance.py                        # SQLite, a temporary file
    python bench/relevance.py --database postgres://postgres@127.0.0.1:5432/relbench_x
    python bench/relevance.py --json /tmp/relevance.json
    ELASTICSEARCH_URL=http://127.0.0.1:9200 python bench/relevance.py   # adds Elasticsearch

The database is created for the run and dropped after it (a PostgreSQL database by the
name given); with ELASTICSEARCH_URL set, the demo content is indexed under a throwaway
alias that is deleted afterwards. Nothing here is run by the test suite, which only checks
that the judgments are well formed and name existing items (tests/test_relevance_bench.py).
"""

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import drop_database, fresh_database, setup_django  # noqa: E402

JUDGMENTS = ROOT / "bench" / "relevance_judgments.yaml"
KINDS = ("practice", "project", "region", "event")
NEEDS = ("thesaurus", "types")
TOP = 3  # hit@TOP
MAX_RELEVANT = 3
ENGINES = {
    "embedded": "search.engines.embedded.EmbeddedEngine",
    "elasticsearch": "search.engines.elastic.ElasticsearchEngine",
}


class JudgmentError(ValueError):
    """The judgments file is malformed, or names items the content does not have."""


@dataclass(frozen=True)
class Judgment:
    query: str
    relevant: tuple[str, ...]  # "kind:slug"
    note: str
    needs: tuple[str, ...] = ()
    language: str = "en"


# The judgments ------------------------------------------------------------------------------


def load_judgments(path=JUDGMENTS):
    """The judgments of ``path``; a JudgmentError listing every problem if any."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise JudgmentError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("judgments"), list):
        raise JudgmentError(f"{path}: expected a mapping with a `judgments` list")
    default_language = data.get("language", "en")
    problems, judgments, seen = [], [], Counter()
    for number, entry in enumerate(data["judgments"], 1):
        where = f"judgment {number}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        unknown = set(entry) - {"query", "relevant", "note", "needs", "language"}
        if unknown:
            problems.append(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        query = entry.get("query")
        if not isinstance(query, str) or not query.strip():
            problems.append(f"{where}: `query` must be non-empty text")
            continue
        where = f"{where} ({query!r})"
        language = entry.get("language", default_language)
        seen[(query.strip().lower(), str(language))] += 1
        relevant = entry.get("relevant")
        if not isinstance(relevant, list) or not 1 <= len(relevant) <= MAX_RELEVANT:
            problems.append(f"{where}: `relevant` must list 1 to {MAX_RELEVANT} items")
            relevant = []
        for item in relevant:
            kind, _, slug = str(item).partition(":")
            if kind not in KINDS or not slug:
                problems.append(f"{where}: {item!r} is not one of {', '.join(KINDS)}:<slug>")
        if len(set(relevant)) != len(relevant):
            problems.append(f"{where}: an item is listed twice")
        note = entry.get("note")
        if not isinstance(note, str) or not note.strip():
            problems.append(f"{where}: `note` must say why these items are relevant")
            note = ""
        needs = entry.get("needs", [])
        if not isinstance(needs, list) or any(need not in NEEDS for need in needs):
            problems.append(f"{where}: `needs` must be a list of {', '.join(NEEDS)}")
            needs = []
        if not isinstance(language, str) or not language:
            problems.append(f"{where}: `language` must be a language code")
        judgments.append(
            Judgment(
                query=query.strip(),
                relevant=tuple(str(item) for item in relevant),
                note=note.strip(),
                needs=tuple(needs),
                language=language,
            )
        )
    twice = [f"{query!r} ({language})" for (query, language), n in seen.items() if n > 1]
    problems += [f"{query} is judged twice" for query in twice]
    if problems:
        raise JudgmentError(f"{path}:\n  " + "\n  ".join(problems))
    return judgments


def _item_urls(kind, slugs):
    """(slug, URL) of the items of one kind with these slugs that the public can see (a page
    translated into several languages: one pair per translation)."""
    if kind in ("practice", "event"):
        from learning_events.models import LearningEventPage
        from portal.visibility import public_pages
        from practices.models import PracticePage

        model = PracticePage if kind == "practice" else LearningEventPage
        # Every language version, whatever its own slug: a version shares its original's
        # translation key (a search in a visitor's language lists the version in it).
        named = model.objects.filter(slug__in=slugs)
        slug_of = dict(named.values_list("translation_key", "slug"))
        pages = public_pages(
            model.objects.filter(translation_key__in=slug_of), originals_only=False
        )
        return [(slug_of[page.translation_key], page.url) for page in pages]
    from portal.models import CooperationProject, Region

    records = CooperationProject.objects.originals() if kind == "project" else Region.objects
    return [(obj.slug, obj.get_absolute_url()) for obj in records.filter(slug__in=slugs)]


def expected_urls(judgments):
    """{"kind:slug": {URL paths}} for every item the judgments name (a hit on any translation
    of a page counts); a JudgmentError naming the items the database does not have."""
    wanted = {}
    for judgment in judgments:
        for item in judgment.relevant:
            kind, _, slug = item.partition(":")
            wanted.setdefault(kind, set()).add(slug)
    urls = {}
    for kind, slugs in wanted.items():
        for slug, url in _item_urls(kind, slugs):
            urls.setdefault(f"{kind}:{slug}", set()).add(urlsplit(url).path)
    missing = sorted({item for j in judgments for item in j.relevant} - set(urls))
    if missing:
        raise JudgmentError("not in the content (or not public): " + ", ".join(missing))
    return urls


# Running ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    query: str
    language: str
    needs: tuple[str, ...]
    relevant: tuple[str, ...]
    rank: int | None  # of the first relevant item on the first page, from 1
    total: int
    first: str  # what came first: "title (type)"


def run_judgments(client, judgments, urls, engine_name):
    """Each judgment's query through /search/, as a visitor in its language sends it: at
    that language's address (docs/languages.md: the address, not the browser's language,
    says which language a page is in; English is unprefixed)."""
    from portal.languages import in_language

    outcomes = []
    for judgment in judgments:
        response = client.get(in_language("/search/", judgment.language), {"q": judgment.query})
        if response.status_code != 200:
            raise SystemExit(f"{judgment.query!r}: /search/ answered {response.status_code}")
        results = response.context["results"]
        if results.engine != engine_name:
            raise SystemExit(
                f"{judgment.query!r}: answered by {results.engine!r}, not {engine_name!r} "
                f"({results.notice})"
            )
        expected = set().union(*(urls[item] for item in judgment.relevant))
        paths = [urlsplit(hit.url).path for hit in results.hits]
        rank = next((i for i, path in enumerate(paths, 1) if path in expected), None)
        first = f"{results.hits[0].title} ({results.hits[0].type})" if results.hits else ""
        outcomes.append(
            Outcome(
                judgment.query,
                judgment.language,
                judgment.needs,
                judgment.relevant,
                rank,
                results.total,
                first,
            )
        )
    return outcomes


def figures(outcomes):
    n = len(outcomes)
    hits = sum(1 for o in outcomes if o.rank and o.rank <= TOP)
    zero = sum(1 for o in outcomes if o.total == 0)
    return {
        "queries": n,
        f"hit@{TOP}": round(hits / n, 3) if n else None,
        "mrr": round(sum(1 / o.rank for o in outcomes if o.rank) / n, 3) if n else None,
        "zero_result_rate": round(zero / n, 3) if n else None,
        "hits": hits,
        "zero_results": zero,
    }


def groups(outcomes):
    """The figures for all queries, each language and each `needs` tag (and none)."""
    result = {"all": figures(outcomes)}
    for language in sorted({o.language for o in outcomes}):
        result[f"language {language}"] = figures([o for o in outcomes if o.language == language])
    for need in NEEDS:
        result[f"needs {need}"] = figures([o for o in outcomes if need in o.needs])
    result["needs nothing more"] = figures([o for o in outcomes if not o.needs])
    return result


def report(label, outcomes):
    table = groups(outcomes)
    print(f"\n== {label}")
    print(f"   {'':<22} {'queries':>7} {f'hit@{TOP}':>14} {'MRR':>6} {'zero results':>16}")
    languages = [name for name in table if name.startswith("language ")]
    for name, row in table.items():
        if not row["queries"] or (name in languages and len(languages) == 1):
            continue  # an empty group, or the one language: the same as "all"
        n = row["queries"]
        print(
            f"   {name:<22} {n:>7} {row['hits']:>5}/{n:<3} {row[f'hit@{TOP}']:>4.0%} "
            f"{row['mrr']:>6.2f} {row['zero_results']:>6}/{n:<3} {row['zero_result_rate']:>4.0%}"
        )
    misses = [o for o in outcomes if not (o.rank and o.rank <= TOP)]
    print(f"   not in the top {TOP} ({len(misses)}):")
    for o in misses:
        tags = f" [{', '.join(o.needs)}]" if o.needs else ""
        if not o.total:
            print(f"     {o.query!r}{tags}: no results")
            continue
        where = f"rank {o.rank}" if o.rank else "not on page 1"
        print(f"     {o.query!r}{tags}: {where} of {o.total}; first: {o.first}")
    return table


# The run ------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default="",
        help="database URL, created for the run and dropped after it (default: a temporary "
        "SQLite file)",
    )
    parser.add_argument("--judgments", default=str(JUDGMENTS), help="the judgments file")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to this file")
    return parser.parse_args()


def machine():
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpu": cpu, "cores": os.cpu_count(), "system": platform.platform()}


def commit():
    def git(*args):
        return subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        )

    head = git("rev-parse", "--short", "HEAD").stdout.strip()
    dirty = git("diff", "--quiet", "HEAD").returncode != 0
    return f"{head}{'+changes' if dirty else ''}" if head else "unknown"


def database_label():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"{connection.display_name} {cursor.fetchone()[0].split()[0]}"


def main():
    args = parse_args()
    judgments = load_judgments(args.judgments)  # before any setup: a bad file stops at once
    url = args.database
    temporary = None
    if not url:
        handle, temporary = tempfile.mkstemp(prefix="relbench-", suffix=".sqlite3")
        os.close(handle)
        url = f"sqlite:///{temporary}"
    elastic = bool(os.environ.get("ELASTICSEARCH_URL"))
    if elastic:
        os.environ["ELASTICSEARCH_INDEX"] = f"relbench-{os.getpid()}"
    fresh_database(url)
    try:
        setup_django(url)
        try:
            run(args, judgments)
        finally:
            if elastic:
                from search.engines.elastic import ElasticsearchEngine

                ElasticsearchEngine().delete_index()
    finally:
        drop_database(url)


def run(args, judgments):
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then records each response's context
    call_command("load_demo_content", stdout=io.StringIO())  # rebuilds the index last
    urls = expected_urls(judgments)
    engines = ["embedded"] + (["elasticsearch"] if settings.ELASTICSEARCH_URL else [])
    database = database_label()
    started = datetime.now(UTC)
    print(
        f"Relevance on the demo content: {len(judgments)} judgments "
        f"({Path(args.judgments).name}), commit {commit()}, "
        f"{started:%Y-%m-%d %H:%M} UTC, {machine()['cores']} cores"
    )
    results = []
    for name in engines:
        label = f"{name} on {database}" if name == "embedded" else name
        with override_settings(PORTAL_SEARCH_ENGINE=ENGINES[name]):
            outcomes = run_judgments(Client(), judgments, urls, name)
        table = report(label, outcomes)
        results.append(
            {
                "engine": name,
                "database": database,
                "figures": table,
                "queries": [asdict(o) for o in outcomes],
            }
        )
    if args.json:
        payload = {
            "date": started.isoformat(timespec="seconds"),
            "commit": commit(),
            "machine": machine(),
            "judgments": str(args.judgments),
            "top": TOP,
            "engines": results,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        print(f"\nFigures written to {args.json}")


if __name__ == "__main__":
    main()
