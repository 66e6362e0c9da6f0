"""A hanging Elasticsearch costs one timeout, then the embedded index answers for the
cool-down without the cluster being asked, with one log line; after the cool-down the cluster
is tried again. The "cluster" is a local socket that accepts connections and never answers."""

import logging
import socket
import threading
import time

import pytest

from search.engines import breaker, get_engine, reset_engine_cache
from search.engines.elastic import ElasticsearchEngine
from tests.factories_search import make_search_corpus

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5
COOLDOWN = 60
API = "/api/v1/practices/"


class SilentServer:
    """Listens on a free loopback port, accepts every connection, reads nothing, answers
    nothing, and counts the connections it accepted."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:  # closed
                return
            self.accepted += 1
            self.connections.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()
        self.thread.join(timeout=5)


@pytest.fixture
def silent_elasticsearch(settings):
    server = SilentServer()
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{server.port}"
    settings.ELASTICSEARCH_TIMEOUT = TIMEOUT
    settings.ELASTICSEARCH_COOLDOWN = COOLDOWN
    settings.PORTAL_SEARCH_ENGINE = "search.engines.elastic.ElasticsearchEngine"
    reset_engine_cache()
    yield server
    reset_engine_cache()
    server.close()


@pytest.fixture
def clock(monkeypatch):
    """The breaker's clock, moved on by hand (timeouts still take real time)."""
    moment = [time.time()]
    monkeypatch.setattr(breaker, "now", lambda: moment[0])
    return moment


def warnings_and_errors(caplog):
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def api_search(client):
    started = time.monotonic()
    response = client.get(API, {"q": "older"})
    seconds = time.monotonic() - started
    assert response.status_code == 200
    data = response.json()
    # The embedded index answered, with the practices it holds.
    assert data["engine"] == response["X-Search-Engine"] == "embedded"
    assert {item["title"] for item in data["results"]} == {
        "Help at Home",
        "Social caretakers in public housing",
    }
    return seconds


def test_a_hanging_cluster_costs_one_timeout_per_cool_down(
    client, silent_elasticsearch, clock, caplog
):
    make_search_corpus()
    assert isinstance(get_engine(), ElasticsearchEngine)
    caplog.set_level(logging.INFO)

    first = api_search(client)
    assert first >= TIMEOUT * 0.9  # it waited for the cluster, once
    assert first < TIMEOUT + 10  # and not for retries
    assert silent_elasticsearch.accepted == 1
    (record,) = warnings_and_errors(caplog)
    assert record.name == "search" and record.levelno == logging.ERROR
    assert "Elasticsearch failed (ConnectionTimeout" in record.getMessage()

    # During the cool-down: the cluster is not asked, nothing more is logged.
    for _ in range(5):
        api_search(client)
    page = client.get("/search/", {"q": "older"})
    assert "basic search" in page.content.decode()
    assert silent_elasticsearch.accepted == 1
    assert len(warnings_and_errors(caplog)) == 1

    # After it, one search tries the cluster again; it still hangs: one more log line.
    clock[0] += COOLDOWN + 1
    assert api_search(client) >= TIMEOUT * 0.9
    assert silent_elasticsearch.accepted == 2
    assert len(warnings_and_errors(caplog)) == 2
    api_search(client)
    assert silent_elasticsearch.accepted == 2


def test_index_updates_during_the_cool_down_do_not_wait_and_are_logged(
    client, silent_elasticsearch, clock, caplog, django_capture_on_commit_callbacks
):
    from search.engines.embedded import EmbeddedEngine
    from search.query import SearchQuery

    corpus = make_search_corpus()
    api_search(client)  # opens the breaker
    assert silent_elasticsearch.accepted == 1
    caplog.clear()

    page = corpus["home"]
    with (
        caplog.at_level(logging.ERROR, logger="search"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page.title = "Help at Home, updated"
        page.save_revision().publish()
    assert silent_elasticsearch.accepted == 1
    (record,) = warnings_and_errors(caplog)
    assert "Search index update failed" in record.getMessage()
    assert "--rebuild" in record.getMessage()
    # The embedded index, which answers meanwhile, has the change.
    assert [h.title for h in EmbeddedEngine().search(SearchQuery("updated")).hits] == [
        "Help at Home, updated"
    ]


def test_a_cluster_that_answers_again_closes_the_breaker(settings, clock, caplog):
    """The breaker alone: a trial that succeeds closes it (logged at INFO), and only one
    process gets the trial while it runs."""
    calls = []
    circuit = breaker.CircuitBreaker("Cluster", cooldown=30, trial_seconds=5, failures=(OSError,))

    def failing():
        calls.append("fail")
        raise OSError("no route")

    with caplog.at_level(logging.INFO, logger="search"), pytest.raises(OSError):
        circuit.call(failing)
    assert circuit.is_open()
    with pytest.raises(breaker.CircuitOpen):
        circuit.call(calls.append, "never")
    clock[0] += 31
    # Another process holds the trial: this one is turned away.
    from django.core.cache import cache

    cache.add(circuit.trial_key, True, timeout=5)
    with pytest.raises(breaker.CircuitOpen):
        circuit.call(calls.append, "never")
    cache.delete(circuit.trial_key)
    assert circuit.call(lambda: "answer") == "answer"
    assert not circuit.is_open()
    assert circuit.call(lambda: "again") == "again"
    assert calls == ["fail"]
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert messages == [
        (
            "ERROR",
            "Cluster failed (OSError: no route); not asked again for 30 s, the embedded "
            "index answers searches meanwhile.",
        ),
        ("INFO", "Cluster answers again; the circuit breaker is closed."),
    ]
