"""The Elasticsearch engine (chosen when ELASTICSEARCH_URL is set).

A ``Document`` mapping (English analyser on text, keywords for facets, numbers for ranges and
sorting) and a ``FacetedSearch`` whose post_filter / filtered aggregations give the same
semantics as the embedded engine: OR within a facet, AND across facets, each facet counted
with the other facets' selections applied. Rebuilds fill a new index and swap an alias.
If Elasticsearch cannot be reached while searching, the embedded engine answers (the
embedded index is always kept up to date too) and the page says so. Requests wait at most
``ELASTICSEARCH_TIMEOUT`` seconds, and a circuit breaker (search/engines/breaker.py) keeps a
failed cluster out of the way for ``ELASTICSEARCH_COOLDOWN`` seconds, logging it once.
"""

import logging
import time

from django.conf import settings
from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from elasticsearch import Elasticsearch, helpers
from elasticsearch.dsl import (
    Date,
    Document,
    Double,
    FacetedSearch,
    Index,
    Integer,
    Keyword,
    Long,
    Object,
    RangeFacet,
    Search,
    TermsFacet,
    Text,
)
from elasticsearch.dsl.query import MatchAll, MatchNone, Q
from elasticsearch.exceptions import ApiError, TransportError

from ..facets import BUDGET_BANDS, RANGE_FACETS, START_RANGES, document_facets
from ..languages import ANALYSES, code_of, site_language
from ..models import FacetLabel
from ..query import Hit, SearchResults, partial_threshold
from ..registry import document_texts
from . import SearchEngine, batches
from .breaker import CircuitBreaker, CircuitOpen
from .embedded import MARK_END, MARK_START, EmbeddedEngine, facet_results

logger = logging.getLogger("search")

TEXT_FIELDS = ["title^10", "summary^5", "names^3", "body"]
# Per language (search/languages.py) the text of a version in that language, analysed with
# the language's analyser: title_es, summary_es, body_es... The fields above hold the text
# in the site's language (English), as before; a visitor reading another language searches
# that language's fields too.
LANGUAGE_FIELDS = (("title", 10), ("summary", 5), ("body", 1))


def text_fields(language=""):
    """The fields a query read in ``language`` searches, with their boosts."""
    code = code_of(language)
    if code == site_language():
        return TEXT_FIELDS
    own = [
        f"{name}_{code}" + (f"^{boost}" if boost != 1 else "") for name, boost in LANGUAGE_FIELDS
    ]
    return [*TEXT_FIELDS, *own]


TERMS_FACETS = {
    "type": "doc_type",
    "country": "country",
    "region": "region",
    "theme": "theme",
    "target_group": "target_group",
    "project": "project",
    "programme": "programme",
    "status": "status",
}
# A rebuild's requests (creating an index, bulk loads, refreshing) may take longer than a
# search should ever wait.
REBUILD_TIMEOUT = 120
SNIPPET_CHARS = 240
FLAGS = "PHRASE|NOT|WHITESPACE"
# Tiers by score: each group (word) a document holds adds GROUP_BOOST, far above what bm25
# adds for all the words together, so documents holding more words always come first and bm25
# orders those holding as many. Holding every word as typed (not through a thesaurus
# alternative) adds EXACT_BOOST, which only documents holding every group can get.
GROUP_BOOST = 10_000
EXACT_BOOST = 5_000


def _simple(text, boost=None, fields=None):
    # The text holds words, "phrases" and -exclusions only; the flags keep
    # simple_query_string from reading anything else as an operator.
    options = {"boost": boost} if boost is not None else {}
    return Q(
        "simple_query_string",
        query=text,
        fields=fields or TEXT_FIELDS,
        default_operator="and",
        flags=FLAGS,
        **options,
    )


def group_query(group, exact=False, fields=None):
    """One group of the query (query.TermGroup): its terms, or (dis_max) any alternative,
    whose score is multiplied by its weight."""
    terms = _simple(" ".join(str(term) for term in group.terms), fields=fields)
    if exact or not group.alternatives:
        return terms
    alternatives = [
        _simple(str(term), boost=weight, fields=fields) for term, weight in group.alternatives
    ]
    return Q("dis_max", queries=[terms, *alternatives])


def text_query(query, threshold=None):
    """The Elasticsearch query for a SearchQuery's words: every word (as before: one
    simple_query_string of the canonical text when there is no expansion), or with
    ``threshold``, the partial request: at least ``threshold`` of the optional groups, each
    named ``group-<n>`` so that a hit says which it holds."""
    groups = query.groups
    excluded = [f"-{term}" for term in query.parsed.excluded]
    expanded = [group for group in groups if group.alternatives]
    relevance = query.sort == "relevance"
    fields = text_fields(query.language)
    exact = Q(
        "constant_score",
        filter=Q("bool", must=[group_query(group, True, fields) for group in expanded]),
        boost=EXACT_BOOST,
    )
    if threshold is None:
        if not expanded:
            return _simple(query.parsed.canonical(), fields=fields)
        plain = [str(term) for group in groups if not group.alternatives for term in group.terms]
        must = [_simple(" ".join(plain + excluded), fields=fields)] if plain or excluded else []
        must += [group_query(group, fields=fields) for group in expanded]
        return Q("bool", must=must, should=[exact]) if relevance else Q("bool", must=must)
    clauses = []
    for number, group in enumerate(query.optional_groups):
        held = Q(
            "constant_score",
            filter=group_query(group, fields=fields),
            boost=GROUP_BOOST if relevance else 1,
        )
        # By relevance the group's own score orders documents holding as many groups;
        # sorted by a field, the score is the number of groups held.
        should = [held, group_query(group, fields=fields)] if relevance else [held]
        clauses.append(Q("bool", should=should, _name=f"group-{number}"))
    strict = [str(term) for group in groups if group.strict for term in group.terms]
    options = {"should": clauses, "minimum_should_match": threshold}
    if strict or excluded:
        options["must" if relevance else "filter"] = [
            _simple(" ".join(strict + excluded), fields=fields)
        ]
    partial = Q("bool", **options)
    if relevance and expanded:
        return Q("bool", must=[partial], should=[exact])
    return partial


# Elasticsearch refuses ``from + size`` past the index's max_result_window (10,000 unless
# changed): a deeper page answers 400, which the breaker would count as a failure. Deeper
# pages are reached with ``search_after`` instead (ElasticsearchEngine.deep_page).
MAX_RESULT_WINDOW = 10_000
# The last keys of every sort: with them no two documents tie, so ``search_after`` resumes
# exactly where the previous request stopped, and every page of a search has a fixed order.
TIE_BREAKERS = [{"doc_type": {"order": "asc"}}, {"object_id": {"order": "asc"}}]


class PortalDocument(Document):
    doc_type = Keyword()
    object_id = Long()
    title = Text(analyzer="english")
    summary = Text(analyzer="english")
    names = Text(analyzer="english")
    body = Text(analyzer="english")
    url = Keyword(index=False)
    budget_eur = Double()
    start_year = Integer()
    published_at = Date()
    display = Object(enabled=False)
    country = Keyword()
    region = Keyword()
    theme = Keyword()
    target_group = Keyword()
    project = Keyword()
    programme = Keyword()
    status = Keyword()
    language = Keyword()


# title_<code>, summary_<code>, body_<code> for every language, with its analyser.
for _code, _analysis in ANALYSES.items():
    for _name, _boost in LANGUAGE_FIELDS:
        PortalDocument._doc_type.mapping.field(f"{_name}_{_code}", Text(analyzer=_analysis.elastic))


class _Ranges(RangeFacet):
    """A RangeFacet where an unknown bucket name (typed into a URL) matches nothing."""

    def get_value_filter(self, filter_value):
        if filter_value not in self._ranges:
            return MatchNone()
        return super().get_value_filter(filter_value)


def _ranges(buckets):
    return [(value, (low, high)) for value, _label, low, high in buckets]


class PortalFacetedSearch(FacetedSearch):
    fields = TEXT_FIELDS

    def __init__(self, query, index, using, facet_sizes, threshold=None):
        self.index = index
        self.using = using
        self.facets = {
            key: TermsFacet(field=field, size=max(1, facet_sizes.get(key, 0)))
            for key, field in TERMS_FACETS.items()
        }
        self.facets["budget"] = _Ranges(field="budget_eur", ranges=_ranges(BUDGET_BANDS))
        self.facets["start"] = _Ranges(field="start_year", ranges=_ranges(START_RANGES))
        self.portal_query = query
        self.threshold = threshold
        sort = {
            "relevance": ["_score", {"published_at": {"order": "desc"}}],
            "newest": [{"published_at": {"order": "desc", "missing": "_last"}}],
            "budget": [{"budget_eur": {"order": "desc", "missing": "_last"}}],
            "start_year": [{"start_year": {"order": "desc", "missing": "_last"}}],
        }[query.sort]
        if threshold is not None and query.sort != "relevance":
            sort = ["_score", *sort]  # the number of words held first (see text_query)
        sort = [*sort, *TIE_BREAKERS]
        super().__init__(query.parsed.canonical(), dict(query.filters), sort)

    def query(self, search, query):
        if not query:
            return search
        return search.query(text_query(self.portal_query, self.threshold))

    def highlight(self, search):
        if not self.portal_query.snippets:
            return search
        return (
            search.highlight_options(pre_tags=[MARK_START], post_tags=[MARK_END], encoder="default")
            .highlight("title", number_of_fragments=0)
            .highlight("summary", number_of_fragments=0)
            .highlight("body", fragment_size=SNIPPET_CHARS, number_of_fragments=1)
        )

    def search(self):
        search = super().search()
        if self.portal_query.has_partial_tier:
            # The matches before facets: the partial tier is shown when fewer than a page
            # of documents hold every word (as on the embedded engine).
            search.aggs.bucket("_matches", "filter", filter=MatchAll())
        return search.extra(track_total_hits=True).source(
            ["doc_type", "object_id", "title", "url", "display", "summary"]
        )


def matches(response):
    """How many documents the request's query matched before the facets' post_filter."""
    found = response.aggregations.to_dict().get("_matches")
    return found["doc_count"] if found else response.hits.total.value


def _marked(text):
    return mark_safe(escape(text or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


class ElasticsearchEngine(SearchEngine):
    name = "elasticsearch"
    # Documents per bulk request of a rebuild.
    BATCH = 500

    def __init__(self, url=None, index=None):
        self.url = url or settings.ELASTICSEARCH_URL
        self.alias = index or settings.ELASTICSEARCH_INDEX
        timeout = settings.ELASTICSEARCH_TIMEOUT
        # One attempt per request (the connect and the answer together within the timeout):
        # a cluster that does not answer is the breaker's business, not a reason to retry.
        self.client = Elasticsearch(
            self.url, request_timeout=timeout, max_retries=0, retry_on_timeout=False
        )
        self.breaker = CircuitBreaker(
            "Elasticsearch",
            cooldown=settings.ELASTICSEARCH_COOLDOWN,
            trial_seconds=timeout + 1,
            failures=(TransportError, ApiError),
        )
        self.fallback = EmbeddedEngine()

    # Requests -----------------------------------------------------------------------------

    def facet_sizes(self):
        """Terms aggregations sized to the number of distinct values of each facet."""
        sizes = dict(FacetLabel.objects.values_list("facet").annotate(n=Count("id")).order_by())
        return {key: sizes.get(key, 0) + 1 for key in TERMS_FACETS}

    def build_search(self, query, facet_sizes=None, threshold=None):
        """The request for ``query``'s documents holding every word, or with ``threshold``,
        those holding at least that many of its optional groups (see text_query)."""
        faceted = PortalFacetedSearch(
            query, self.alias, self.client, facet_sizes or self.facet_sizes(), threshold
        )
        return faceted[query.offset : query.offset + query.per_page]

    def search(self, query):
        try:
            return self.breaker.call(self._search, query)
        except (CircuitOpen, TransportError, ApiError):
            # Logged by the breaker when it opened; not again for every search.
            results = self.fallback.search(query)
            results.notice = _(
                "The full search service is unavailable at the moment; these results come "
                "from the basic search."
            )
            return results

    @staticmethod
    def is_deep(query):
        """Whether ``query``'s page lies past what ``from`` and ``size`` may reach."""
        return query.offset + query.per_page > MAX_RESULT_WINDOW

    def _search(self, query):
        sizes = self.facet_sizes()
        # A deep page: its facets and totals from the first page's request, its hits walked to.
        asked, query = query, query.with_page(1) if self.is_deep(query) else query
        response = self.build_search(query, sizes).execute()
        all_words_total = response.hits.total.value
        threshold = None
        if query.shows_partial_tier(matches(response)):
            # Fewer than a page hold every word: ask again for those holding most of them.
            threshold = partial_threshold(len(query.optional_groups))
            partial = self.build_search(query, sizes, threshold).execute()
            if not matches(partial) and threshold > 1:
                threshold = 1  # nothing holds half the words: whatever holds one
                partial = self.build_search(query, sizes, threshold).execute()
            response = partial
        total = response.hits.total.value
        all_words_total = all_words_total if threshold else None
        within = asked.within(total)
        if within.page == query.page:
            return self.parse(query, response, all_words_total)
        if self.is_deep(within):
            hits = self.deep_page(self.build_search(within, sizes, threshold))
            return self.parse(within, response, all_words_total, hits=hits)
        response = self.build_search(within, sizes, threshold).execute()
        return self.parse(within, response, all_words_total)

    def deep_page(self, faceted):
        """The hits of a page past MAX_RESULT_WINDOW: the search's documents are walked in
        its order, up to MAX_RESULT_WINDOW sort keys per request and nothing else (no source,
        no facets, no total), each request resuming ``search_after`` the last key of the one
        before; then the page itself is asked for after the last key, with its highlights.
        Page 600 of 20 costs three requests: 10,000 keys, 1,980 keys, the page. Documents
        indexed or removed between the requests shift the page by as many places, as they
        would between two visits of a shallow page."""
        request = faceted._s.to_dict()
        offset, size = request.pop("from"), request.pop("size")
        request.pop("aggs", None)
        walk = {k: v for k, v in request.items() if k not in ("highlight", "_source")}
        walk.update(_source=False, track_total_hits=False)
        after, skipped = None, 0
        while skipped < offset:
            step = min(MAX_RESULT_WINDOW, offset - skipped)
            keys = self._request({**walk, "size": step}, after).hits
            if len(keys) < step:  # the index shrank since the totals were counted
                return []
            after, skipped = list(keys[-1].meta.sort), skipped + step
        request.update(track_total_hits=False)
        return self._request({**request, "size": size}, after).hits

    def _request(self, body, search_after=None):
        if search_after is not None:
            body = {**body, "search_after": search_after}
        return Search(using=self.client, index=self.alias).update_from_dict(body).execute()

    def parse(self, query, response, all_words_total=None, hits=None):
        """A FacetedResponse into the engine-independent SearchResults. With
        ``all_words_total`` (the response of a partial request), a hit holds every word
        when it matched every named group. ``hits`` are the page's own when they were asked
        for apart from the facets (a deep page)."""
        groups = {f"group-{n}" for n in range(len(query.optional_groups))}
        counts = {}
        for key, values in response.facets.to_dict().items():
            counts[key] = [(value, None, n) for value, n, _selected in values if n]
        labels = {
            (facet, value): label
            for facet, value, label in FacetLabel.objects.filter(
                facet__in=[k for k in counts if k not in RANGE_FACETS],
                value__in={v for values in counts.values() for v, _l, _n in values},
            ).values_list("facet", "value", "label")
        }
        counts = {
            key: [(v, labels.get((key, v), v), n) for v, _l, n in values]
            for key, values in counts.items()
        }
        found, hits = response.hits if hits is None else hits, []
        for hit in found:
            highlight = hit.meta.to_dict().get("highlight", {})
            summary = (highlight.get("summary") or [None])[0]
            body = (highlight.get("body") or [None])[0]
            if summary:
                snippet = summary
            elif body:
                snippet = "…" + body + "…"
            else:
                words = (hit.summary or "").split()
                snippet = " ".join(words[:40]) + (" …" if len(words) > 40 else "")
            title = (highlight.get("title") or [hit.title])[0]
            hits.append(
                Hit(
                    type=hit.doc_type,
                    object_id=hit.object_id,
                    title=hit.title,
                    url=hit.url,
                    title_html=_marked(title),
                    snippet_html=_marked(snippet),
                    display=hit.display.to_dict() if hasattr(hit, "display") else {},
                    score=hit.meta.score,
                    partial=all_words_total is not None
                    and not groups <= set(hit.meta.to_dict().get("matched_queries", ())),
                )
            )
        total = response.hits.total.value
        results = SearchResults(
            query=query,
            hits=hits,
            total=total,
            all_words_total=total if all_words_total is None else all_words_total,
            facets=facet_results(query, counts, self.fallback.labels),
            engine=self.name,
        )
        if not total:
            # Same data in the embedded index: let it explain which word or filter to drop.
            self.fallback.explain_no_hits(results)
        return results

    # Writing ------------------------------------------------------------------------------

    @staticmethod
    def source(document, type_label=""):
        body = {
            "doc_type": document.type,
            "object_id": document.object_id,
            "title": document.title,
            "summary": document.summary,
            "names": " · ".join(str(n) for n in document.names),
            "body": document.body,
            "url": document.url,
            "budget_eur": document.budget_eur,
            "start_year": document.start_year,
            "published_at": document.published_at.isoformat() if document.published_at else None,
            "display": document.display,
        }
        for facet, value, _label in document_facets(document, type_label):
            if facet in TERMS_FACETS and facet != "type":
                body.setdefault(facet, []).append(value)
        body["language"] = code_of(document.language)
        # Every version not in the site's language, in its own language's fields (the text
        # in the site's language is in the fields above).
        for code, text in document_texts(document).items():
            if code != site_language():
                for name, _boost in LANGUAGE_FIELDS:
                    body[f"{name}_{code}"] = getattr(text, name)
        return body

    def _actions(self, index, documents):
        for document in documents:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": document.key,
                "_source": self.source(document),
            }

    def index_documents(self, documents):
        # Through the breaker: while it is open an update fails at once (and is logged by
        # search.indexing with the repair command) rather than waiting for a timeout.
        self.breaker.call(
            helpers.bulk, self.client, self._actions(self.alias, documents), refresh="wait_for"
        )

    def remove_documents(self, doc_type, object_ids):
        actions = [
            {"_op_type": "delete", "_index": self.alias, "_id": f"{doc_type}:{pk}"}
            for pk in object_ids
        ]
        self.breaker.call(
            helpers.bulk, self.client, actions, refresh="wait_for", raise_on_error=False
        )

    def new_index(self, client=None):
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 10**6}"
        index = Index(name, using=client or self.client)
        index.document(PortalDocument)
        index.settings(number_of_shards=1, number_of_replicas=0)
        return index

    def rebuild(self, sources, progress=None):
        """Fill a fresh index, then move the alias to it in one step: searches keep using
        the old index until the new one is complete."""
        client = self.client.options(request_timeout=REBUILD_TIMEOUT)
        index = self.new_index(client)
        index.create()
        done = 0

        def documents():
            nonlocal done
            for batch in batches(list(sources), self.BATCH, progress):
                done += len(batch)
                yield from batch

        helpers.bulk(client, self._actions(index._name, documents()), chunk_size=self.BATCH)
        client.indices.refresh(index=index._name)
        old = list(client.indices.get_alias(name=self.alias, ignore_unavailable=True))
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": index._name, "alias": self.alias}})
        client.indices.update_aliases(actions=actions)
        for name in old:
            client.indices.delete(index=name)
        return done

    def delete_index(self):
        for name in list(self.client.indices.get_alias(name=self.alias, ignore_unavailable=True)):
            self.client.indices.delete(index=name)

    def document_count(self):
        return self.client.count(index=self.alias)["count"]
