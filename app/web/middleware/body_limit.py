"""Refuse request bodies over MAX_BODY_BYTES (413) and headers over 16 KiB in all (431)."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.problems import send_problem

MAX_HEADER_BYTES = 16_384  # as h11 and common proxies allow


class BodyLimit:
    """Refuse a body over max_bytes with 413: at once if Content-Length says so, otherwise as
    soon as the bytes received pass the limit (a chunked upload cannot slip past). Headers over
    16 KiB in all are refused with 431 (uvicorn's fast parser sets no limit of its own)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _detail(self) -> str:
        return f"The request body is over the limit of {self.max_bytes} bytes; send less."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if sum(len(k) + len(v) for k, v in scope["headers"]) > MAX_HEADER_BYTES:
            await send_problem(
                scope,
                send,
                431,
                "Request headers too large",
                f"The request's headers are over {MAX_HEADER_BYTES} bytes in all; send fewer.",
            )
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await send_problem(scope, send, 413, "Request too large", self._detail())
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, limited, send)
