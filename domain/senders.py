"""Pluggable senders for citizens' messages, chosen by configuration:

- NOTIFY_EMAIL_BACKEND: "log" (default) or "smtp";
- NOTIFY_SMS_BACKEND: "log" (default) or "http_sms".

Each backend's send(message) returns on success and raises SendFailed on failure (the outbox
then retries). The log backend writes the kind, the case number and the channel only: never
the phone number, the e-mail address or the text.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

log = logging.getLogger("jiefen.notify")


class SendFailed(Exception):
    """The message did not go; `str()` is kept as the outbox's last error (no personal data)."""


@dataclass(frozen=True)
class Message:
    channel: str  # "sms" or "email"
    recipient: str
    subject: str
    text: str
    kind: str
    case_number: str | None


def send_log(message: Message, config) -> None:  # noqa: ARG001
    log.info(
        "notification %s for case %s by %s (log backend: not sent)",
        message.kind,
        message.case_number or "-",
        message.channel,
    )


def send_smtp(message: Message, config) -> None:
    mail = EmailMessage()
    mail["From"] = config["NOTIFY_SMTP_FROM"]
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="jiefen.local")
    mail.set_content(message.text)  # UTF-8, encoded for 7-bit transport as needed
    host, port = config["NOTIFY_SMTP_HOST"], int(config["NOTIFY_SMTP_PORT"])
    timeout = float(config.get("NOTIFY_TIMEOUT", 10))
    security = (config.get("NOTIFY_SMTP_SECURITY") or "none").lower()
    try:
        if security == "ssl":
            client = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if config.get("NOTIFY_SMTP_USER"):
                client.login(config["NOTIFY_SMTP_USER"], config.get("NOTIFY_SMTP_PASSWORD") or "")
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        raise SendFailed(f"smtp: {type(error).__name__}") from error


def _fill(template: str, values: dict[str, str]) -> str:
    """Put the values into the body template; each is JSON-escaped when the template is JSON
    (so a quote in the text cannot break it), else inserted as it is."""
    as_json = template.lstrip().startswith("{")
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", json.dumps(value)[1:-1] if as_json else value)
    return out


def send_http_sms(message: Message, config) -> None:
    url = config.get("NOTIFY_SMS_URL")
    if not url or not url.startswith(("http://", "https://")):
        raise SendFailed("http_sms: NOTIFY_SMS_URL is not an http(s) URL")
    template = config.get("NOTIFY_SMS_BODY") or '{"phone": "{phone}", "text": "{text}"}'
    body = _fill(template, {"phone": message.recipient, "text": message.text})
    request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST")  # noqa: S310
    request.add_header(
        "Content-Type", config.get("NOTIFY_SMS_CONTENT_TYPE") or "application/json; charset=utf-8"
    )
    if config.get("NOTIFY_SMS_AUTH_HEADER"):
        name, _, value = config["NOTIFY_SMS_AUTH_HEADER"].partition(":")
        request.add_header(name.strip(), value.strip())
    try:
        with urllib.request.urlopen(  # noqa: S310 - the scheme is checked above
            request, timeout=float(config.get("NOTIFY_TIMEOUT", 10))
        ) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise SendFailed(f"http_sms: HTTP {error.code}") from error
    except (OSError, ValueError) as error:
        raise SendFailed(f"http_sms: {type(error).__name__}") from error
    if not 200 <= status < 300:
        raise SendFailed(f"http_sms: HTTP {status}")


BACKENDS = {"log": send_log, "smtp": send_smtp, "http_sms": send_http_sms}


def backend_for(channel: str, config):
    name = config.get("NOTIFY_EMAIL_BACKEND" if channel == "email" else "NOTIFY_SMS_BACKEND")
    try:
        return BACKENDS[name or "log"]
    except KeyError:
        raise SendFailed(f"unknown backend {name!r}") from None


def send(message: Message, config) -> None:
    backend_for(message.channel, config)(message, config)
