"""Search benchmark: builds N synthetic practices through a bulk path and times the portal's
search engine call and the whole /search/ response, and the stock Wagtail database search on
the same data for comparison. Prints the figures (see docs/performance.md).

    python bench/search.py --sizes 1000 10000 50000                  # SQLite (temporary file)
    python bench/search.py --database postgres://postgres@127.0.0.1:5432/search_bench

Each size gets a fresh database. Nothing here is run by the test suite.
"""

import argparse
import csv
import io
import random
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import fresh_database, setup_django, to_query  # noqa: E402

SEED = 20261122
COUNTRIES, REGIONS_PER_COUNTRY, THEMES, GROUPS = 30, 10, 40, 12
ORGANISATIONS, PROJECTS = 400, 12
PHRASE = "older people"
# Each synthetic practice has one translation, in one of these languages in turn.
TRANSLATION_LANGUAGES = ["it", "es", "fr", "de"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument(
        "--database",
        default="sqlite:////tmp/portal-search-bench.sqlite3",
        help="database URL; it is dropped and recreated for each size",
    )
    parser.add_argument("--repeat", type=int, default=0, help="runs per query (default: by N)")
    parser.add_argument(
        "--stock-max",
        type=int,
        default=10000,
        help="largest N at which stock search is timed fully",
    )
    parser.add_argument("--stock-runs", type=int, default=3, help="stock runs per query")
    parser.add_argument("--stock-few", type=int, default=0, help="stock runs above --stock-max")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database if it already holds N practices (skips the build)",
    )
    parser.add_argument(
        "--no-rebuild", action="store_true", help="with --reuse: keep the search index as it is"
    )
    parser.add_argument(
        "--http",
        action="store_true",
        help="time over HTTP under gunicorn with the production settings (bench/serving.py) "
        "instead of in process: every query of the mix, deep and sorted pages, the API, a "
        "practice page, /practices/, publishing under load, worker memory",
    )
    parser.add_argument("--runs", type=int, default=30, help="--http: requests per round")
    parser.add_argument("--rounds", type=int, default=3, help="--http: rounds (the spread)")
    parser.add_argument("--workers", type=int, default=4, help="--http: gunicorn workers")
    parser.add_argument(
        "--publish-seconds", type=int, default=60, help="--http: publishing scenario length"
    )
    return parser.parse_args()


# Synthetic text ----------------------------------------------------------------------------


def vocabulary():
    """Real words from the demo practices (most frequent first) plus rare made-up ones."""
    counts = {}
    for path in sorted((ROOT / "fixtures" / "practices").glob("*.md")):
        for word in re.findall(r"[a-z]{3,}", path.read_text(encoding="utf-8").lower()):
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))
    words += [f"zorb{n}ix" for n in range(4000)]  # a long tail of rare words
    weights = [1 / (rank + 10) for rank in range(len(words))]
    return words, weights


class TextMaker:
    def __init__(self, rng):
        self.rng = rng
        self.words, self.weights = vocabulary()
        self.cumulative = []
        total = 0.0
        for weight in self.weights:
            total += weight
            self.cumulative.append(total)

    def sentence(self, n):
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=n)
        if self.rng.random() < 0.003:
            words.insert(self.rng.randrange(len(words)), PHRASE)
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, words):
        parts, left = [], words
        while left > 0:
            n = min(left, self.rng.randint(8, 22))
            parts.append(self.sentence(n))
            left -= n
        return " ".join(parts)


# Bulk path ---------------------------------------------------------------------------------


def reference_data(rng):
    from django.utils.text import slugify
    from wagtail.models import Locale

    from portal.models import (
        CooperationProject,
        Country,
        FundingProgramme,
        Organisation,
        Region,
        TargetGroup,
        Theme,
    )

    countries = Country.objects.bulk_create(
        [
            Country(code=f"{chr(65 + i // 26)}{chr(65 + i % 26)}", name=f"Country {i}")
            for i in range(COUNTRIES)
        ]
    )
    regions = Region.objects.bulk_create(
        [
            Region(name=f"Region {c.code}-{r}", slug=slugify(f"region-{c.code}-{r}"), country=c)
            for c in countries
            for r in range(REGIONS_PER_COUNTRY)
        ]
    )
    themes = Theme.objects.bulk_create(
        [Theme(name=f"theme {i}", slug=f"theme-{i}") for i in range(THEMES)]
    )
    groups = TargetGroup.objects.bulk_create(
        [TargetGroup(name=f"Target group {i}", slug=f"group-{i}") for i in range(GROUPS)]
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Organisation {i}", country=rng.choice(countries))
            for i in range(ORGANISATIONS)
        ]
    )
    programmes = [value for value, _label in FundingProgramme.choices]
    locale = Locale.get_default()  # bulk_create skips Wagtail's pre_save that sets it
    projects = CooperationProject.objects.bulk_create(
        [
            CooperationProject(
                locale=locale,
                acronym=f"PRJ{i}",
                name=f"Project {i}",
                slug=f"prj{i}",
                programme=programmes[i % len(programmes)],
            )
            for i in range(PROJECTS)
        ]
    )
    by_country = {}
    for region in regions:
        by_country.setdefault(region.country_id, []).append(region)
    return countries, by_country, themes, groups, organisations, projects


def site():
    from portal.demo import ensure_child_page, ensure_home_page
    from practices.models import PracticeIndexPage

    home = ensure_home_page()
    return ensure_child_page(home, PracticeIndexPage, title="Good practices", slug="practices")


def build_practices(n, rng):
    """Pages with treebeard paths computed up front and bulk_create; child table rows,
    many-to-many rows and tags in bulk as well."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from portal.models import TranslatedVersion
    from practices.models import PracticePage, PracticeStatus, PracticeTheme

    text = TextMaker(rng)
    countries, regions, themes, groups, organisations, projects = reference_data(rng)
    index = site()
    locale = Locale.get_default()
    content_type = ContentType.objects.get_for_model(PracticePage)
    alphabet = Page.alphabet
    statuses = [value for value, _label in PracticeStatus.choices]
    now = timezone.now()
    fields = list(PracticePage._meta.local_concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    insert = (
        f"INSERT INTO {PracticePage._meta.db_table} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )

    def step(number):
        digits = ""
        for _ in range(Page.steplen):
            number, remainder = divmod(number, len(alphabet))
            digits = alphabet[remainder] + digits
        return digits

    started = time.monotonic()
    with transaction.atomic():
        # The second language version of each practice (issue 13): a human translation in
        # one of TRANSLATION_LANGUAGES, under the practices index's version in that language
        # (an alias, as copy_for_translation makes it), as the demo loader's translations
        # look: own title and summary, the narrative copied from the original.
        parents = {}
        for language in TRANSLATION_LANGUAGES:
            target = Locale.objects.get(language_code=language)
            parent = index.get_translation_or_none(target) or index.copy_for_translation(
                target, copy_parents=True, alias=True
            )
            parents[language] = (parent, target)
        for chunk_start in range(0, n, 2000):
            pages, practices = [], []
            for i in range(chunk_start, min(n, chunk_start + 2000)):
                slug = f"practice-{i}"
                title = text.sentence(rng.randint(3, 8)).rstrip(".")
                published = now - timezone.timedelta(minutes=n - i)
                pages.append(
                    Page(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        path=index.path + step(i + 1),
                        depth=index.depth + 1,
                        numchild=0,
                        url_path=f"{index.url_path}{slug}/",
                        content_type=content_type,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                        locale=locale,
                        translation_key=uuid.UUID(int=rng.getrandbits(128)),
                    )
                )
                country = rng.choice(countries)
                budget = round(10 ** rng.uniform(4, 7.5), 2) if rng.random() < 0.85 else None
                start = rng.randint(1998, 2026) if rng.random() < 0.9 else None
                practices.append(
                    {
                        "summary": text.paragraph(rng.randint(40, 90)),
                        "country_id": country.pk,
                        "lead_organisation_id": rng.choice(organisations).pk,
                        "project_id": rng.choice(projects).pk if rng.random() < 0.7 else None,
                        "funding_programme": "",
                        "context": text.paragraph(rng.randint(60, 140)),
                        "practice": text.paragraph(rng.randint(100, 220)),
                        "resources": text.paragraph(rng.randint(30, 80)),
                        "evidence": text.paragraph(rng.randint(40, 120)),
                        "difficulties": text.paragraph(rng.randint(30, 90)),
                        "transferability": text.paragraph(rng.randint(30, 90)),
                        "start_year": start,
                        "end_year": None,
                        "status": rng.choice(statuses),
                        "budget_eur": budget,
                        "_regions": rng.sample(regions[country.pk], rng.randint(0, 3)),
                        "_themes": rng.sample(themes, rng.randint(1, 4)),
                        "_groups": rng.sample(groups, rng.randint(1, 3)),
                    }
                )
            translations = []
            for i, page, data in zip(range(chunk_start, n), pages, practices, strict=False):
                language = TRANSLATION_LANGUAGES[i % len(TRANSLATION_LANGUAGES)]
                parent, target = parents[language]
                title = text.sentence(rng.randint(3, 8)).rstrip(".")
                translations.append(
                    Page(
                        title=title,
                        draft_title=title,
                        slug=page.slug,
                        path=parent.path + step(i // len(TRANSLATION_LANGUAGES) + 1),
                        depth=parent.depth + 1,
                        numchild=0,
                        url_path=f"{parent.url_path}{page.slug}/",
                        content_type=content_type,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=page.first_published_at,
                        last_published_at=page.last_published_at,
                        locale=target,
                        translation_key=page.translation_key,
                    )
                )
                data["_translation"] = {
                    **{k: v for k, v in data.items() if not k.startswith("_")},
                    "summary": text.paragraph(rng.randint(40, 90)),
                }
            pages = Page.objects.bulk_create(pages)
            translations = Page.objects.bulk_create(translations)
            TranslatedVersion.objects.bulk_create(
                [TranslatedVersion(page_id=page.pk, kind="human") for page in translations]
            )
            rows, region_rows, group_rows, theme_rows = [], [], [], []
            for page, data in zip(translations, practices, strict=True):
                obj = PracticePage(page_ptr_id=page.pk, **data["_translation"])
                rows.append(
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                )
            for page, data in zip(pages, practices, strict=True):
                obj = PracticePage(
                    page_ptr_id=page.pk, **{k: v for k, v in data.items() if not k.startswith("_")}
                )
                rows.append(
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                )
                region_rows += [
                    PracticePage.regions.through(practicepage_id=page.pk, region_id=r.pk)
                    for r in data["_regions"]
                ]
                group_rows += [
                    PracticePage.target_groups.through(practicepage_id=page.pk, targetgroup_id=g.pk)
                    for g in data["_groups"]
                ]
                theme_rows += [
                    PracticeTheme(content_object_id=page.pk, tag_id=t.pk) for t in data["_themes"]
                ]
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
            PracticePage.regions.through.objects.bulk_create(region_rows)
            PracticePage.target_groups.through.objects.bulk_create(group_rows)
            PracticeTheme.objects.bulk_create(theme_rows)
        Page.objects.filter(pk=index.pk).update(numchild=n)
        for language, (parent, _target) in parents.items():
            share = len(range(TRANSLATION_LANGUAGES.index(language), n, len(parents)))
            Page.objects.filter(pk=parent.pk).update(numchild=share)
    return time.monotonic() - started


# Timing ------------------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    k = (len(ordered) - 1) * fraction
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def timed(fn, repeat, warm_up=True):
    if warm_up:
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def query_mix(rng):
    from portal.models import Country, Theme

    words, _weights = vocabulary()
    countries = list(Country.objects.order_by("code").values_list("code", flat=True))
    themes = list(Theme.objects.order_by("slug").values_list("slug", flat=True))
    common = "social"
    rare = words[-7]  # a made-up word in the long tail: a handful of documents
    return [
        ("common word", {"q": common}),
        # A word the thesaurus expands (elderly -> older people, seniors, ... in eleven
        # languages, and the narrower concepts), with another word.
        ("synonym", {"q": "elderly care"}),
        # A visitor reading Spanish: Spanish stop words and stems, and the concepts' labels
        # in every language (see LANGUAGES below).
        ("other language", {"q": "ayuda a domicilio para personas mayores"}),
        # An everyday question without the rare word: many hold most of its words.
        ("long everyday q.", {"q": "how can we help lonely older people who live alone"}),
        ("rare word", {"q": rare}),
        ("two words", {"q": "employment training"}),
        ("phrase", {"q": f'"{PHRASE}"'}),
        # A long question few documents answer in full (the rare word): the partial tier
        # (documents holding at least half of the words) is counted and ranked.
        ("long question", {"q": f"help older people stay at home {rare} longer"}),
        ("word + 2 facets", {"q": common, "country": countries[:3], "status": "ongoing"}),
        (
            "browse, 3 facets",
            {"country": countries[3:6], "theme": themes[:2], "budget": "1m-5m"},
        ),
    ]


# The language a row's visitor reads (the others: English).
LANGUAGES = {"other language": "es"}


def load_thesaurus_concepts():
    """The concepts and labels of fixtures/thesaurus.yaml, without their links to target
    groups and themes (the synthetic practices have their own): what query expansion reads."""
    import yaml

    from thesaurus.models import Concept, ConceptLabel

    entries = yaml.safe_load((ROOT / "fixtures" / "thesaurus.yaml").read_text(encoding="utf-8"))
    concepts = {}
    for entry in entries:
        labels = entry["labels"]
        concept = Concept.objects.create(slug=entry["slug"], preferred_label=labels["en"][0])
        concepts[entry["slug"]] = concept
        rows = [
            ConceptLabel(
                concept=concept,
                language=language,
                kind="alternative" if position or language == "en" else "preferred",
                text=text,
                sort_order=position,
            )
            for language, texts in labels.items()
            for position, text in enumerate(texts)
            if (language, position) != ("en", 0)
        ]
        rows += [
            ConceptLabel(concept=concept, language=language, kind="hidden", text=text)
            for language, texts in (entry.get("hidden") or {}).items()
            for text in texts
        ]
        ConceptLabel.objects.bulk_create(rows)
    for entry in entries:
        for slug in entry.get("broader", []):
            concepts[entry["slug"]].broader.add(concepts[slug])
    from search.thesaurus import forget

    forget()
    return len(concepts)


def stock_search(params):
    """Stock Wagtail: the database search backend with relevance ordering and the filters
    it can apply (it cannot facet on tags or count other facets)."""
    from django.db.models import Count

    from portal.models import Country
    from practices.models import PracticePage

    queryset = PracticePage.objects.live()
    if "country" in params:
        queryset = queryset.filter(country__in=Country.objects.filter(code__in=params["country"]))
    if "status" in params:
        queryset = queryset.filter(status=params["status"])
    if params.get("q"):
        results = queryset.search(params["q"], order_by_relevance=True)
        hits = list(results[:20])
        count = results.count()
        facets = results.facet("country_id")
    else:
        hits = list(queryset.order_by("-first_published_at")[:20])
        count = queryset.count()
        facets = dict(queryset.order_by().values_list("country").annotate(n=Count("id")))
    return hits, count, facets


def stock_index():
    from django.core.management import call_command
    from wagtail.search import index

    from practices.models import PracticePage

    # The benchmark only: make the practice fields searchable to the stock backend, as a
    # site relying on it would.
    PracticePage.search_fields = [
        *PracticePage.search_fields,
        index.SearchField("summary"),
        *[
            index.SearchField(name)
            for name in (
                "context",
                "practice",
                "resources",
                "evidence",
                "difficulties",
                "transferability",
            )
        ],
        index.FilterField("country"),
        index.FilterField("status"),
        index.FilterField("live"),
    ]
    started = time.monotonic()
    call_command("update_index", verbosity=0)
    return time.monotonic() - started


def run(size, args):
    from django.db import connection, reset_queries
    from django.test import Client
    from django.utils import translation

    from portal.languages import in_language
    from portal.visibility import public_pages
    from practices.models import PracticePage
    from search import indexing
    from search.engines import get_engine

    rng = random.Random(SEED + size)
    originals = public_pages(PracticePage.objects.filter(slug__startswith="practice-"))
    if args.reuse and originals.count() == size:
        build = 0.0
    else:
        build = build_practices(size, rng)
        analyze()
        load_thesaurus_concepts()
    started = time.monotonic()
    if not (args.reuse and args.no_rebuild):
        indexing.rebuild()
    rebuild = time.monotonic() - started
    vendor = connection.vendor
    print(
        f"\n== {vendor}, N = {size:,}: built in {build:.1f} s, search index rebuilt in "
        f"{rebuild:.1f} s (at {time.strftime('%H:%M', time.gmtime())} UTC, load {load_average()})"
    )
    if args.http:
        http_figures(size, args, rng)
        return
    engine = get_engine()
    client = Client()
    repeat = args.repeat or (30 if size <= 10000 else 15)
    stock_full = size <= args.stock_max
    if stock_full or args.stock_few:
        stock_time = stock_index()
        print(f"   stock Wagtail update_index: {stock_time:.1f} s")
    header = (
        f"   {'query':<18} {'hits':>6} {'engine p50':>11} {'p95':>8} {'page p50':>9} "
        f"{'p95':>8} {'stock p50':>10} {'stock/engine':>13}"
    )
    print(header)
    figures = []
    for label, params in query_mix(rng):
        language = LANGUAGES.get(label, "en")
        with translation.override(language):
            query = to_query(params)
        total = engine.search(query).total
        engine_times = timed(lambda q=query: engine.search(q), repeat)
        path = in_language("/search/", language)  # the address says the language

        def page(p=params, path=path):
            return client.get(path, p)

        page_times = timed(page, repeat)
        response = client.get(path, params)
        assert response.status_code == 200, response.status_code
        stock = ""
        ratio = ""
        if stock_full or args.stock_few:
            runs = args.stock_runs if stock_full else args.stock_few
            stock_times = timed(lambda p=params: stock_search(p), runs, warm_up=False)
            stock_p50 = statistics.median(stock_times)
            stock = f"{stock_p50:9.1f}"
            ratio = f"{stock_p50 / statistics.median(engine_times):12.0f}x"
        row = (
            label,
            total,
            statistics.median(engine_times),
            percentile(engine_times, 0.95),
            statistics.median(page_times),
            percentile(page_times, 0.95),
        )
        figures.append(row)
        print(
            f"   {label:<18} {total:>6} {row[2]:>9.1f}ms {row[3]:>6.1f}ms {row[4]:>7.1f}ms "
            f"{row[5]:>6.1f}ms {stock:>10} {ratio:>13}"
        )
        reset_queries()
    worst_engine = max(r[3] for r in figures)
    worst_page = max(r[5] for r in figures)
    print(
        f"   worst p95: engine {worst_engine:.1f} ms, page {worst_page:.1f} ms "
        f"(times in ms; page = whole /search/ response through Django's test client)"
    )
    takeaway(client, query_mix(rng), repeat)


def load_average():
    """The machine's load averages, printed next to each figure (docs/performance.md: the
    conditions of every figure are part of it)."""
    import os

    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def analyze():
    """Planner statistics after a bulk load: without them PostgreSQL plans on guesses and
    SQLite may re-run a full-text match per row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


def http_paths(rng):
    """[(label, path)] timed over HTTP."""
    from urllib.parse import urlencode

    from wagtail.models import Site

    from portal.languages import in_language
    from portal.visibility import public_pages
    from practices.models import PracticePage

    mix = query_mix(rng)
    paths = [
        (label, in_language("/search/", LANGUAGES.get(label, "en")) + "?" + urlencode(params, True))
        for label, params in mix
    ]
    paths += [
        ("deep page 200, common", "/search/?q=social&page=200"),
        ("sorted newest, common", "/search/?q=social&sort=newest"),
        ("sorted budget, 2 facets", dict(paths)["word + 2 facets"] + "&sort=budget"),
        ("API per_page=50, common", "/api/v1/practices/?q=social&per_page=50"),
        ("API per_page=50, browse", "/api/v1/practices/?per_page=50&status=ongoing"),
    ]
    prefix = Site.objects.get(is_default_site=True).root_page.url_path.rstrip("/")
    originals = public_pages(PracticePage.objects.all())  # what /practices/ lists
    practice = originals.filter(slug="practice-7").values_list("url_path", flat=True)
    paths.append(("practice page", practice[0][len(prefix) :]))
    count = originals.count()
    last = -(-count // 12)
    paths += [("/practices/ page 1", "/practices/")]
    paths += [("/practices/ page 100", "/practices/?page=100")]
    paths.append((f"/practices/ last ({last})", f"/practices/?page={last}"))
    return paths


def http_figures(size, args, rng):
    """Everything over HTTP under the production server (bench/serving.py)."""
    import json

    from django.db import connection

    from bench import serving

    paths = http_paths(rng)
    with serving.production_server(args.database, args.workers) as server:
        base = server.base
        print(
            f"   over HTTP, gunicorn {args.workers} workers, production settings, page cache "
            f"off; {args.rounds} rounds of {args.runs} sequential requests (ms)"
        )
        print(
            f"   {'what':<26} {'p50':>7} {'p95':>7}   {'p95 of each round':<24} load (1/5/15 min)"
        )
        for label, path in paths:
            rounds = serving.time_path(base, path, args.runs, args.rounds)
            p50 = statistics.median(r[0] for r in rounds)
            p95 = statistics.median(r[1] for r in rounds)
            spread = " / ".join(f"{r[1]:.0f}" for r in rounds)
            print(
                f"   {label:<26} {p50:>7.1f} {p95:>7.1f}   {spread:<24} {load_average()}",
                flush=True,
            )
        print(f"   worker peak RSS: {serving.worker_peak_rss_mb(server.process):.0f} MB")
        load = importlib_load()
        countries = query_countries()
        searches = [
            f"/search/?q={rng.choice(load.WORDS)}&country={rng.choice(countries)}"
            f"&status={rng.choice(load.STATUSES)}"
            for _ in range(5000)
        ]
        publish, cleanup = publisher()

        def visible(n):
            status, body = serving.get(base, f"/api/v1/practices/?q=benchpublish{n}x")
            return status == 200 and json.loads(body)["count"] == 1

        try:
            idle, busy, published, seen = serving.publishing_under_load(
                base, searches, publish, visible, args.publish_seconds
            )
        finally:
            cleanup()
        print(
            f"   publishing under load ({connection.vendor}): search p95 idle {idle:.0f} ms, "
            f"while publishing {busy:.0f} ms ({busy / idle:.2f}x); {published} published, "
            f"{seen} found by the next search (load {load_average()})"
        )
        print(f"   worker peak RSS after it: {serving.worker_peak_rss_mb(server.process):.0f} MB")


def importlib_load():
    from bench.serving import _load_module

    return _load_module()


def query_countries():
    from portal.models import Country

    return list(Country.objects.order_by("code").values_list("code", flat=True))


def publisher():
    """(publish(n), cleanup()): publish(n) publishes a new practice whose title holds the
    word benchpublish<n>x, through Wagtail's revision publish (signals, index update)."""
    from portal.models import Country, Organisation
    from practices.models import PracticePage

    index = site()
    country = Country.objects.order_by("pk").first()
    organisation = Organisation.objects.order_by("pk").first()
    made = []

    def publish(n):
        page = PracticePage(
            title=f"Published under load benchpublish{n}x",
            slug=f"bench-publish-{n}-{uuid.uuid4().hex[:6]}",
            summary="A practice published while searches run.",
            country=country,
            lead_organisation=organisation,
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        made.append(page.pk)

    def cleanup():
        for page in PracticePage.objects.filter(pk__in=made):
            page.delete()

    return publish, cleanup


def takeaway(client, mix, repeat):
    """The ways practices are taken away: the JSON API over the same query mix, a comparison
    of four, and CSV downloads of whole result sets (up to 5,000 rows)."""
    from practices.models import PracticePage

    api = []
    for _label, params in mix:
        assert client.get("/api/v1/practices/", params).status_code == 200
        api += timed(lambda p=params: client.get("/api/v1/practices/", p), repeat)
    print(
        f"   JSON API list, query mix: p50 {statistics.median(api):.1f} ms, "
        f"p95 {percentile(api, 0.95):.1f} ms"
    )
    four = {"p": list(PracticePage.objects.order_by("?").values_list("pk", flat=True)[:4])}
    compare = timed(lambda: client.get("/practices/compare/", four), repeat)
    print(
        f"   compare 4 practices: p50 {statistics.median(compare):.1f} ms, "
        f"p95 {percentile(compare, 0.95):.1f} ms"
    )
    for label, params in mix:
        if label not in ("common word", "word + 2 facets", "browse, 3 facets"):
            continue
        response = client.get("/practices/download/", params)
        text = b"".join(response.streaming_content).decode("utf-8-sig")  # streamed
        rows = len(list(csv.reader(io.StringIO(text)))) - 1
        times = timed(
            lambda p=params: b"".join(client.get("/practices/download/", p).streaming_content),
            3,
            warm_up=False,
        )
        print(f"   CSV download, {label}: {rows:,} rows, median {statistics.median(times):.0f} ms")


def main():
    args = parse_args()
    import subprocess

    if len(args.sizes) > 1:
        # One process per size: a fresh database and fresh caches each time.
        for size in args.sizes:
            command = [
                sys.executable,
                __file__,
                "--sizes",
                str(size),
                "--database",
                args.database,
                "--stock-max",
                str(args.stock_max),
                "--stock-few",
                str(args.stock_few),
            ]
            if args.repeat:
                command += ["--repeat", str(args.repeat)]
            if args.reuse:
                command.append("--reuse")
            if args.no_rebuild:
                command.append("--no-rebuild")
            if args.http:
                command += ["--http", "--runs", str(args.runs), "--rounds", str(args.rounds)]
                command += ["--workers", str(args.workers)]
                command += ["--publish-seconds", str(args.publish_seconds)]
            subprocess.run(command, check=True)
        return
    if not args.reuse:
        fresh_database(args.database)
    setup_django(args.database)
    run(args.sizes[0], args)


if __name__ == "__main__":
    main()
