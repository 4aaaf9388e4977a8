"""Sending e-mail through the configured SMTP server with aiosmtplib."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib


class SmtpMailer:
    """One connection per message: e-mails are few and a broken connection never lingers."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password = username or None, password or None
        self._starttls = starttls
        self._timeout = timeout

    async def send(self, to: str, subject: str, body: str, message_id: str) -> None:
        """Raises (aiosmtplib.SMTPException, OSError, TimeoutError) when the server refuses."""
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        # A stable Message-ID lets mail clients drop the duplicate of a retried send.
        message["Message-ID"] = f"<{message_id}@stint.local>"
        message.set_content(body)
        await aiosmtplib.send(
            message,
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password,
            start_tls=self._starttls,
            timeout=self._timeout,
        )
