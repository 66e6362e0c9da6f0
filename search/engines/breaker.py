"""A circuit breaker for a search service that may be down or hang (Elasticsearch).

A failed request opens the breaker: for ``cooldown`` seconds no request is sent at all and
the caller answers from elsewhere (the embedded index). Once the cool-down is over, one
request (a single trial, whichever worker gets it) tries the service again: success closes
the breaker, failure opens it for another cool-down. The state lives in Django's cache,
which every worker process shares (files on disk, or Redis), so a hanging cluster costs one
timeout per cool-down for the whole site, not one per worker or per request. Each opening is
logged once, at ERROR level; requests turned away while it is open are not logged.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger("search")


def now():
    """Wall-clock seconds (shared by every process, unlike a monotonic clock)."""
    return time.time()


class CircuitOpen(Exception):
    """The service failed recently: no request was sent."""


class CircuitBreaker:
    def __init__(self, name, cooldown, trial_seconds, failures=(Exception,)):
        self.name = name
        self.cooldown = cooldown
        # How long one trial may take before another process may try: a request's timeout.
        self.trial_seconds = trial_seconds
        self.failures = failures
        self.key = f"search:circuit:{name}:open-until"
        self.trial_key = f"search:circuit:{name}:trial"

    def is_open(self):
        until = cache.get(self.key)
        return until is not None and now() < until

    def call(self, request, *args, **kwargs):
        """``request(*args, **kwargs)``, or CircuitOpen without sending anything."""
        until = cache.get(self.key)
        trial = until is not None
        if trial and (
            now() < until or not cache.add(self.trial_key, True, timeout=self.trial_seconds)
        ):
            raise CircuitOpen(self.name)
        try:
            result = request(*args, **kwargs)
        except self.failures as exc:
            self._failed(exc, trial)
            raise
        if trial:
            cache.delete_many([self.key, self.trial_key])
            logger.info("%s answers again; the circuit breaker is closed.", self.name)
        return result

    def _failed(self, exc, trial):
        until = now() + self.cooldown
        if trial:
            cache.set(self.key, until, timeout=None)
            cache.delete(self.trial_key)
            opened = True
        else:
            # Several requests may fail at once; the first to record it logs it.
            opened = cache.add(self.key, until, timeout=None)
        if opened:
            logger.error(
                "%s failed (%s: %s); not asked again for %g s, the embedded index answers "
                "searches meanwhile.",
                self.name,
                type(exc).__name__,
                exc,
                self.cooldown,
            )
