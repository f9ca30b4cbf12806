"""`python -m app [--host H] [--port P] [--workers N]`: serve the service the way it is meant to
run (app/web/serve.py); every other setting comes from the environment (README)."""

import argparse
import os

from app.web.serve import run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "1")),
        help="processes (default WEB_CONCURRENCY, else 1)",
    )
    arguments = parser.parse_args()
    run(arguments.host, arguments.port, arguments.workers)


if __name__ == "__main__":
    main()
