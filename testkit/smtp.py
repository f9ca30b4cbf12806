"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests that follow
mail the way a person would: wait for it to arrive, read it, open its link."""

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from testkit.servers import free_port

# aiosmtpd logs every line of every conversation at INFO ("mail.log"); where a test's app has set
# the root logger to INFO, a line logged between two tests (a sender's connection closing) went
# to the run's own output. Its warnings and errors still show.
logging.getLogger("mail.log").setLevel(logging.WARNING)

LINK = re.compile(r"https?://\S+/sign-in/confirm\?\S+")


class Inbox:
    """What the server received, in order; `wait_for` polls until a message matches."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.messages.append(mail)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(
        self, match: Callable[[EmailMessage], bool], count: int = 1, timeout: float = 60
    ) -> EmailMessage:
        """The `count`th matching message, once it has arrived. The wait is long because the mail
        will come: a sender thread on a machine at a load of 10 can take many seconds, and a
        message that arrives returns at once."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages if match(m)]
            if len(found) >= count:
                return found[count - 1]
            assert time.monotonic() < deadline, f"no mail arrived in {timeout:.0f} s"
            time.sleep(0.05)

    def link_to(self, address: str, count: int = 1, timeout: float = 60) -> str:
        """The sign-in link in the `count`th message to an address."""
        mail = self.wait_for(lambda m: m["To"] == address, count, timeout)
        return link_in(mail)


def link_in(mail: EmailMessage) -> str:
    body = mail.get_content()
    found = LINK.search(body)
    assert found, body
    return found.group(0)


class SmtpServer:
    """The server; `options` go to aiosmtpd (tls_context, require_starttls, authenticator…)."""

    def __init__(self, port: int | None = None, **options: Any) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self.options = options
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen (again, on the same port, after `stop`)."""
        # aiosmtpd gives its thread 5 s to start listening and answer itself, and says "the
        # system is too busy" past it: a machine at a load of 10 can be that busy.
        options = {"ready_timeout": 60, **self.options}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        try:
            self.controller.start()
        except BaseException:
            self.controller.loop.close()  # a failed start leaves its loop open
            self.controller = None
            raise

    def stop(self) -> None:
        """Stop listening: senders are refused until `start`."""
        if self.controller is not None:
            self.controller.stop()
            self.controller.loop.close()
            self.controller = None


@contextlib.contextmanager
def smtp_server(port: int | None = None, **options: Any) -> Iterator[SmtpServer]:
    server = SmtpServer(port, **options)
    for attempt in range(3):
        try:
            server.start()
            break
        except OSError:  # the port was taken since it was chosen (testkit/servers.service)
            if port is not None or attempt == 2:
                raise
            server.port = free_port()
    try:
        yield server
    finally:
        server.stop()
