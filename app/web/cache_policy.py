"""What a client may cache, by path."""

# What a client may cache, by path: the embed and the feed for a minute (they face the
# campaign's visitors); the rest must be revalidated, which the ETag makes cheap.
SHORT_LIVED = "public, max-age=60"
REVALIDATE = "public, max-age=0, must-revalidate"
CACHEABLE = {
    "/": REVALIDATE,
    "/embed": SHORT_LIVED,
    "/feeds/case-studies.atom": SHORT_LIVED,
    "/api/v1/search": REVALIDATE,
    "/api/v1/search.csv": REVALIDATE,
    "/api/v1/suggest": REVALIDATE,
    "/api/v1/vocabulary": REVALIDATE,
}
CACHEABLE_PREFIXES = {"/api/v1/case-studies/": REVALIDATE, "/case-studies/": REVALIDATE}


def cache_policy(path: str) -> str | None:
    if path in CACHEABLE:
        return CACHEABLE[path]
    for prefix, policy in CACHEABLE_PREFIXES.items():
        if path.startswith(prefix):
            return policy
    return None
