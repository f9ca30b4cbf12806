# syntax=docker/dockerfile:1
# Bright Futures case study search: a small, non-root image. Configuration is by environment
# only (see the README's table); the schema is migrated and the index built at start.

# -- build: the dependencies in a virtual environment ---------------------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY indexer ./indexer
# Install the project to get exactly its pinned ranges, then drop the project itself: the image
# runs the code from /srv, beside the data files it reads.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install . \
 && /opt/venv/bin/pip uninstall -y bright-futures-search

# -- run ----------------------------------------------------------------------------------------
FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /srv --shell /usr/sbin/nologin app \
 && mkdir -p /var/lib/bright-futures \
 && chown app /var/lib/bright-futures
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv
COPY app ./app
COPY indexer ./indexer
COPY data ./data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite:////var/lib/bright-futures/store.db \
    INDEX_DIR=/var/lib/bright-futures/index \
    WEB_CONCURRENCY=2
USER app
EXPOSE 8000
VOLUME ["/var/lib/bright-futures"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
# uvicorn with the service's own options (app/web/serve.py): WEB_CONCURRENCY workers, a deadline
# for each request to arrive. Behind a load balancer set PUBLIC_URL, and FORWARDED_ALLOW_IPS to
# the balancer's address so that rate limits count clients, not the balancer.
CMD ["python", "-m", "app", "--host", "0.0.0.0", "--port", "8000"]
