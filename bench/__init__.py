"""`make bench`: load, query-count, EXPLAIN and profile harness (issue #7). Not part of `make test`.

The pieces, in the order `scripts/bench.sh` runs them:

- `bench.wsgi` — the app as gunicorn serves it, plus the raw baseline (`bench.baseline`)
  mounted by `bench.urls` at `/bench/baseline/...`; config/ is left untouched.
- `bench.setup` — fixtures for the load: high stock on the demo products, a customer with
  orders and a bearer token, order lines priced from `GET /products/<id>`, product slugs.
- `bench.load` — drives `wrk` (a separate process) through every scenario of
  `bench.scenarios`, app and baseline in the same run; `bench.queries`, `bench.explain` and
  `bench.profile` count SQL per request, EXPLAIN ANALYZE every list filter and profile the
  hot paths; `bench.report` turns it all into `bench/results.md`.
"""
