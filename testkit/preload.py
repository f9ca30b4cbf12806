"""Imported once, by the forkserver of testkit/forks.py only: what every server imports, and
the meaning model (read-only, the same for every server), so that each forked server has them."""

import sys

import uvicorn.lifespan.on  # noqa: F401
import uvicorn.loops.auto  # noqa: F401
import uvicorn.main  # noqa: F401

import app.main  # noqa: F401  (and everything it imports)
import app.web.serve  # noqa: F401
from app.search import semantic

semantic.model()
# app.main builds its app from the environment as it is imported: each server imports it again,
# from its own environment.
del sys.modules["app.main"]
