"""WSGI entry point for the bench: the app exactly as config.wsgi serves it, plus the baseline.

`gunicorn bench.wsgi:application`. Rather than edit settings (ROOT_URLCONF) or mutate them at
run time, this uses Django's documented per-request URLconf: a handler that sets
`request.urlconf` before the middleware chain runs. Everything else — settings, middleware,
database connections — is the production code path, so app and baseline are measured on the
same stack in the same worker processes.
"""

from __future__ import annotations

import os

import django
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponseBase

BENCH_URLCONF = "bench.urls"


class BenchWSGIHandler(WSGIHandler):
    """A WSGIHandler that routes every request through `bench.urls`."""

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        # Read by BaseHandler.resolve_request, CommonMiddleware and LocaleMiddleware alike.
        request.urlconf = BENCH_URLCONF
        return super().get_response(request)


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# What django.core.wsgi.get_wsgi_application does, with the handler above.
django.setup(set_prefix=False)
application = BenchWSGIHandler()
