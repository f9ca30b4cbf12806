"""Logging for operators: JSON lines carrying the request id.

Logs carry the method, the route template, the status and the time taken, never a query
string, a body or a header, so neither keys nor what people typed reach them.
"""

import logging
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

request_id: ContextVar[str] = ContextVar("request_id", default="-")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(level: str, fmt: str) -> None:
    """One handler on the root logger, JSON by default; uvicorn's loggers go through it and its
    access log is replaced by ours (which leaves out query strings)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_bright_futures", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler._bright_futures = True  # type: ignore[attr-defined]
    handler.addFilter(_RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}{request_id}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
