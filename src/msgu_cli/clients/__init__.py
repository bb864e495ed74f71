"""The only code that speaks HTTP: one module per remote API around an injected httpx.Client.

- `clients.http`: `make_http_client()` (the run's one client; tests monkeypatch it),
  `request_json()` (retries, back-off, rate-limit headers) and `RateLimiter` (per-host waits).
- `clients.bluesky`: the public AppView (profiles, last post date, follows).
- `clients.mastodon`: each account's home server (lookup, following).
- `clients.models`: `RemoteProfile` and `FetchFailure`, what both hand back.

Imports stay lazy: importing this package does not import httpx; import the submodules.
"""
