"""The real senders against real local servers: SMTP (aiosmtpd) and an HTTP SMS gateway."""

from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from domain import senders

pytestmark = pytest.mark.no_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MESSAGE = senders.Message(
    channel="email",
    recipient="zhang@example.org",
    subject="案件 2026-421022-000001 已受理",
    text="您的纠纷已受理，调解员将与您联系。",
    kind="accepted",
    case_number="2026-421022-000001",
)


def test_smtp_backend_delivers_utf8_chinese():
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802, ARG002
            received.append(envelope)
            return "250 OK"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = {
            "NOTIFY_SMTP_HOST": "127.0.0.1",
            "NOTIFY_SMTP_PORT": port,
            "NOTIFY_SMTP_FROM": "centre@example.org",
            "NOTIFY_SMTP_SECURITY": "none",
            "NOTIFY_EMAIL_BACKEND": "smtp",
        }
        senders.send(MESSAGE, config)
    finally:
        controller.stop()
    (envelope,) = received
    assert envelope.rcpt_tos == ["zhang@example.org"]
    mail = message_from_bytes(envelope.original_content)
    assert str(make_header(decode_header(mail["Subject"]))) == MESSAGE.subject
    assert mail.get_payload(decode=True).decode(mail.get_content_charset()).strip() == MESSAGE.text


def test_smtp_backend_failure_is_a_send_failure():
    config = {
        "NOTIFY_SMTP_HOST": "127.0.0.1",
        "NOTIFY_SMTP_PORT": _free_port(),
        "NOTIFY_TIMEOUT": 2,
        "NOTIFY_SMTP_FROM": "centre@example.org",
    }
    with pytest.raises(senders.SendFailed) as error:
        senders.send_smtp(MESSAGE, config)
    assert "example.org" not in str(error.value)


class Gateway:
    def __init__(self, status=200):
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((self.path, dict(self.headers), body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


SMS = senders.Message(
    channel="sms",
    recipient="13812345678",
    subject="",
    text='案件"2026-421022-000001"已受理',
    kind="accepted",
    case_number="2026-421022-000001",
)


def test_http_sms_backend_posts_the_template():
    with Gateway() as gateway:
        config = {
            "NOTIFY_SMS_URL": gateway.url,
            "NOTIFY_SMS_BODY": '{"to": "{phone}", "content": "{text}", "sign": "解纷"}',
            "NOTIFY_SMS_AUTH_HEADER": "Authorization: Bearer s3cret",
            "NOTIFY_SMS_BACKEND": "http_sms",
        }
        senders.send(SMS, config)
    (path, headers, body) = gateway.requests[0]
    assert path == "/sms/send"
    assert headers["Authorization"] == "Bearer s3cret"
    assert json.loads(body) == {"to": "13812345678", "content": SMS.text, "sign": "解纷"}


def test_http_sms_non_2xx_is_a_failure():
    with Gateway(status=503) as gateway, pytest.raises(senders.SendFailed, match="HTTP 503"):
        senders.send_http_sms(SMS, {"NOTIFY_SMS_URL": gateway.url})


def test_http_sms_needs_an_http_url():
    with pytest.raises(senders.SendFailed):
        senders.send_http_sms(SMS, {"NOTIFY_SMS_URL": "file:///etc/passwd"})
