"""The only code that speaks HTTP: one module per remote API around an injected httpx.Client.

- `clients.http`: `make_http_client()` (the run's one client; tests monkeypatch it) and
  `request_json()` (bounded retries with back-off and jitter, rate-limit headers).
- `clients.limits`: `RateLimiter`, per-host politeness (slots, spacing, budgets), one per client.
- `clients.pool`: work dealt into per-host lanes on worker threads, results as they come.
- `clients.social`: many Bluesky and Mastodon accounts at once (profiles, follow lists).
- `clients.bluesky`: the public AppView (profiles, last post date, follows).
- `clients.mastodon`: each account's home server (lookup, following).
- `clients.files`: downloads for `import https://…`.
- `clients.models`: `RemoteProfile`, `FetchFailure` and `FollowList`, what they hand back.

Imports stay lazy: importing this package does not import httpx; import the submodules.
"""
