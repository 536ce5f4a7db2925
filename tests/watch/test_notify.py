"""Notifiers deliver to real local servers (an HTTP receiver, an SMTP server) or fail clearly."""
from __future__ import annotations

import copy
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from hypothesis import given, settings
from hypothesis import strategies as st

from eventwatch.watch.notify import (DeliveryError, EmailNotifier, LogNotifier, Notifier,
                                     WebhookNotifier, from_spec, summary)

ALERT = {
    "id": 12, "watchlist": "drills-near-afghanistan", "created_at": "2026-11-28T10:00:00+00:00",
    "event_id": 345, "story_id": 77, "article_id": "ab12cd34",
    "reasons": ["type COOPERATE is one of COOPERATE, MOBILIZE",
                "located in Tajikistan (TJK), which borders AFG"],
    "event": {"type": "COOPERATE", "mode": None, "status": "occurred", "date": "2026-11-20",
              "location_name": "Dushanbe", "location_country": "TJK", "lat": 38.5, "lon": 68.8,
              "trigger_text": "drills",
              "sentence": "Russian and Tajik troops began joint drills near Dushanbe on Friday.",
              "source_country": "RUS", "source_sector": "MIL", "target_country": None,
              "target_sector": None, "confidence": 0.8,
              "quantities": [{"text": "2,500 troops", "value": 2500, "unit": "troops"}]},
    "article": {"title": "Russia holds drills in Tajikistan", "url": "https://example.com/a/1",
                "source": "example.com", "published": "2026-11-21"},
}
HEADLINE = "drills-near-afghanistan: COOPERATE in Dushanbe, TJK (2026-11-20)"


@pytest.fixture
def alert():
    return copy.deepcopy(ALERT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- HTTP receiver


class Receiver:
    """A local HTTP server answering from a script of (status, headers, delay) and recording
    each request as (arrival time, path, headers, body). The last answer repeats."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((time.monotonic(), self.path, dict(self.headers), body))
                n = len(receiver.requests) - 1
                status, headers, delay = receiver.answers[min(n, len(receiver.answers) - 1)]
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    text = b"nope" if status >= 300 else b"ok"
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)
                except OSError:  # the client gave up (a timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    started = []

    def start(*answers):
        answers = [a if isinstance(a, tuple) else (a, {}, 0.0) for a in answers or [200]]
        started.append(Receiver(answers))
        return started[-1]

    yield start
    for rec in started:
        rec.close()


def webhook(url, **kwargs):
    kwargs.setdefault("backoff", 0.001)
    return WebhookNotifier(url, **kwargs)


def test_webhook_posts_the_alert_as_json(receiver, alert):
    rec = receiver(200)
    hook = webhook(rec.url, headers={"X-Team": "analysts"})
    assert isinstance(hook, Notifier)
    hook.send(alert)
    [(_, path, headers, body)] = rec.requests
    assert path == "/hook" and json.loads(body) == ALERT
    assert headers["User-Agent"] == "eventwatch"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Team"] == "analysts"
    assert "X-Eventwatch-Signature" not in headers


def test_webhook_retries_server_errors_until_delivered(receiver, alert):
    rec = receiver(500, 503, 204)
    webhook(rec.url, retries=3).send(alert)
    assert len(rec.requests) == 3
    assert all(json.loads(body) == ALERT for *_, body in rec.requests)


def test_webhook_gives_up_after_the_last_retry(receiver, alert):
    rec = receiver(500)
    hook = webhook(rec.url, retries=2)
    with pytest.raises(DeliveryError) as err:
        hook.send(alert)
    assert len(rec.requests) == 3
    exc = err.value
    assert exc.attempts == 3 and exc.status == 500 and exc.retryable
    assert exc.notifier == hook.name == f"webhook:{rec.url}"
    assert "HTTP 500" in str(exc) and rec.url in str(exc) and "after 3 attempts" in str(exc)
    assert str(exc).startswith("[E")


def test_webhook_backs_off_exponentially(receiver, alert):
    rec = receiver(500, 500, 200)
    webhook(rec.url, backoff=0.1).send(alert)
    first, second, third = (t for t, *_ in rec.requests)
    assert second - first >= 0.09 and third - second >= 0.19


def test_webhook_does_not_retry_a_client_error(receiver, alert):
    rec = receiver(400)
    with pytest.raises(DeliveryError) as err:
        webhook(rec.url, retries=3).send(alert)
    assert len(rec.requests) == 1
    assert err.value.status == 400 and not err.value.retryable and err.value.attempts == 1
    assert "HTTP 400 Bad Request (nope)" in str(err.value)


def test_webhook_does_not_follow_redirects(receiver, alert):
    rec = receiver((302, {"Location": "http://127.0.0.1:9/elsewhere"}, 0.0))
    with pytest.raises(DeliveryError, match="redirects are not followed") as err:
        webhook(rec.url).send(alert)
    assert len(rec.requests) == 1 and err.value.status == 302


def test_webhook_retries_429_after_retry_after(receiver, alert):
    rec = receiver((429, {"Retry-After": "1"}, 0.0), 200)
    webhook(rec.url).send(alert)
    (first, *_), (second, *_) = rec.requests
    assert second - first >= 0.9


def test_webhook_caps_a_long_retry_after(receiver, alert):
    rec = receiver((503, {"Retry-After": "3600"}, 0.0), 200)
    started = time.monotonic()
    webhook(rec.url, max_retry_after=0.05).send(alert)
    assert len(rec.requests) == 2 and time.monotonic() - started < 5


def test_webhook_to_a_closed_port_fails(alert):
    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(DeliveryError, match="network error") as err:
        webhook(url, retries=1).send(alert)
    assert err.value.attempts == 2 and err.value.status is None and err.value.retryable
    assert url in str(err.value)


def test_webhook_times_out_and_retries(receiver, alert):
    rec = receiver((200, {}, 1.5), 200)
    webhook(rec.url, timeout=0.5, retries=1).send(alert)  # the second answers at once
    assert len(rec.requests) == 2
    rec = receiver((200, {}, 1.5))
    with pytest.raises(DeliveryError, match="timed out"):
        webhook(rec.url, timeout=0.5, retries=0).send(alert)


def test_webhook_signature_verifies(receiver, alert):
    rec = receiver(200)
    webhook(rec.url, secret="s3cret").send(alert)
    [(_, _, headers, body)] = rec.requests
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Eventwatch-Signature"], expected)


def test_webhook_uses_a_given_client(receiver, alert):
    rec = receiver(200)
    with httpx.Client() as client:
        webhook(rec.url, client=client).send(alert)
        webhook(rec.url, client=client).send(alert)
        assert not client.is_closed
    assert len(rec.requests) == 2


def test_webhook_sends_plain_json_whatever_the_alert_holds(receiver):
    rec = receiver(200)
    odd = {"id": 1, "created_at": dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc),
           "event": {"lat": float("nan"), "lon": float("inf"), "tags": {"x"}}}
    webhook(rec.url).send(odd)
    sent = json.loads(rec.requests[0][3])
    assert sent == {"id": 1, "created_at": "2026-11-28T10:00:00+00:00",
                    "event": {"lat": None, "lon": None, "tags": ["x"]}}


def test_webhook_headers_are_checked():
    with pytest.raises(ValueError, match="X-Bad"):
        WebhookNotifier("https://example.org/hook", headers={"X-Bad": "one\r\nX-Two: two"})


def test_webhook_name_has_no_secrets():
    hook = WebhookNotifier("https://user:pw@hooks.example.org:8443/path?token=abc#frag")
    assert hook.name == "webhook:https://hooks.example.org:8443/path"
    with pytest.raises(ValueError, match="http"):
        WebhookNotifier("ftp://example.org/x")


# --------------------------------------------------------------------------- SMTP


class Inbox:
    """An aiosmtpd handler keeping each message; refuses recipients at refused.example."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"watcher" and auth_data.password == b"letmein"
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=_authenticate, auth_require_tls=False)
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def mailer(port, **kwargs):
    kwargs.setdefault("sender", "eventwatch@example.org")
    kwargs.setdefault("to", ["analyst@example.org", "desk@example.org"])
    return EmailNotifier("127.0.0.1", port, timeout=5, **kwargs)


def test_email_arrives_with_summary_reasons_sentence_and_link(smtp_server, alert):
    notifier = mailer(smtp_server.port)
    notifier.send(alert)
    [(mail_from, rcpt_tos, message)] = smtp_server.messages
    assert mail_from == "eventwatch@example.org"
    assert rcpt_tos == ["analyst@example.org", "desk@example.org"]
    assert message["From"] == "eventwatch@example.org"
    assert message["To"] == "analyst@example.org, desk@example.org"
    # .strip(): the subject is folded before its first word, whose space Python's parser keeps.
    assert message["Subject"].strip() == f"[eventwatch] {HEADLINE}"
    assert message["Message-ID"].endswith("@example.org>")
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith(summary(alert))
    assert ALERT["event"]["sentence"] in body and ALERT["article"]["url"] in body
    assert all(reason in body for reason in ALERT["reasons"])
    assert json.loads(body.split("Alert as JSON:\n", 1)[1]) == ALERT


def test_email_logs_in(smtp_server, alert):
    mailer(smtp_server.port, username="watcher", password="letmein").send(alert)
    assert len(smtp_server.messages) == 1
    with pytest.raises(DeliveryError, match="535") as err:
        mailer(smtp_server.port, username="watcher", password="wrong").send(alert)
    assert not err.value.retryable and len(smtp_server.messages) == 1
    assert "letmein" not in str(err.value) and "wrong" not in str(err.value)


def test_email_refused_recipients(smtp_server, alert):
    with pytest.raises(DeliveryError, match="all recipients refused") as err:
        mailer(smtp_server.port, to=["nobody@refused.example"]).send(alert)
    assert err.value.status == 550 and not err.value.retryable
    with pytest.raises(DeliveryError, match="nobody@refused.example") as err:
        mailer(smtp_server.port, to=["a@example.org", "nobody@refused.example"]).send(alert)
    assert not err.value.retryable  # a@example.org has it: a retry would send it twice
    assert [rcpts for _, rcpts, _ in smtp_server.messages] == [["a@example.org"]]


def test_email_to_a_server_that_is_down(alert):
    port = free_port()
    notifier = mailer(port)
    with pytest.raises(DeliveryError, match="network error") as err:
        notifier.send(alert)
    assert f"127.0.0.1:{port}" in str(err.value) and err.value.retryable


def test_email_of_an_almost_empty_alert(smtp_server):
    mailer(smtp_server.port).send({"watchlist": "w\nx", "event": None, "reasons": None})
    [(_, _, message)] = smtp_server.messages
    assert message["Subject"] == "[eventwatch] w x: event"


def test_email_settings_are_checked():
    with pytest.raises(ValueError, match="starttls and ssl"):
        EmailNotifier("h", sender="a@b", to=["c@d"], starttls=True, ssl=True)
    with pytest.raises(ValueError, match="recipient"):
        EmailNotifier("h", sender="a@b", to=[])
    assert EmailNotifier("h", sender="a@b", to="c@d").port == 25
    assert EmailNotifier("h", sender="a@b", to="c@d", starttls=True).port == 587
    assert EmailNotifier("h", sender="a@b", to="c@d", ssl=True).port == 465


# --------------------------------------------------------------------------- log


def test_log_appends_json_lines(tmp_path, alert):
    path = tmp_path / "out" / "alerts.jsonl"
    notifier = LogNotifier(path)
    notifier.send(alert)
    notifier.send({**alert, "id": 13})
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [12, 13]
    assert json.loads(lines[0]) == ALERT
    assert notifier.name == f"log:{path}"


def test_log_without_a_path_logs_a_warning(caplog, alert):
    with caplog.at_level(logging.WARNING, logger="eventwatch.alerts"):
        LogNotifier().send(alert)
    [record] = caplog.records
    assert record.name == "eventwatch.alerts" and record.levelno == logging.WARNING
    assert record.getMessage() == summary(alert)


def test_log_to_an_unwritable_path_fails(tmp_path, alert):
    with pytest.raises(DeliveryError, match="cannot write"):
        LogNotifier(tmp_path).send(alert)  # a directory


# --------------------------------------------------------------------------- summary


def test_summary_of_a_full_alert(alert):
    assert summary(alert) == (
        f"{HEADLINE}; by RUS MIL; 2,500 troops; confidence 0.80; "
        '"Russia holds drills in Tajikistan" (example.com) https://example.com/a/1')


@pytest.mark.parametrize("partial", [
    {}, {"event": None, "article": None, "reasons": None}, {"event": {}, "article": {}},
    {"event": dict.fromkeys(ALERT["event"]), "article": dict.fromkeys(ALERT["article"])},
    {"event": {"quantities": [None, 3, {"value": 2}], "confidence": "high"}},
    {"event": "not a mapping", "article": ["nor this"]},
])
def test_summary_of_a_partial_alert(partial):
    line = summary(partial)
    assert line.startswith("watchlist: event") and "\n" not in line


def test_summary_keeps_to_one_line():
    line = summary({"watchlist": "w", "event": {"type": "PROTEST", "status": "threatened",
                                                "target_country": "FRA", "mode": "demonstrate"},
                    "article": {"title": "Two\nlines"}})
    assert line == 'w: PROTEST; mode demonstrate; threatened; target FRA; "Two lines"'


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=10)
_keys = st.sampled_from([*ALERT, *ALERT["event"], *ALERT["article"], "x"])


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_keys, _json | st.dictionaries(_keys, _json), max_size=8))
def test_summary_and_message_never_fail(alert):
    assert "\n" not in summary(alert)
    EmailNotifier("h", sender="a@b", to="c@d").message(alert).as_bytes()


# --------------------------------------------------------------------------- specs


ENV = {"HOOK_SECRET": "k", "HOOK_AUTH": "Bearer t", "SMTP_PASSWORD": "pw"}


def test_spec_log_forms(tmp_path):
    assert from_spec({"log": True}, ENV).path is None
    assert from_spec({"log": None}, ENV).path is None
    notifier = from_spec({"log": str(tmp_path / "a.jsonl")}, ENV)
    assert isinstance(notifier, LogNotifier) and notifier.path == tmp_path / "a.jsonl"


def test_spec_webhook(receiver, alert):
    rec = receiver(200)
    notifier = from_spec({"webhook": rec.url, "headers": {"X-Team": "a"},
                          "headers_env": {"Authorization": "HOOK_AUTH"},
                          "secret_env": "HOOK_SECRET", "retries": 1, "timeout": 2,
                          "backoff": 0}, ENV)
    assert isinstance(notifier, WebhookNotifier)
    assert (notifier.retries, notifier.timeout, notifier.backoff) == (1, 2.0, 0.0)
    notifier.send(alert)
    [(_, _, headers, body)] = rec.requests
    assert headers["X-Team"] == "a" and headers["Authorization"] == "Bearer t"
    assert headers["X-Eventwatch-Signature"] == (
        "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest())
    assert notifier.name == f"webhook:{rec.url}"


def test_spec_reads_secrets_from_the_environment(monkeypatch):
    monkeypatch.setenv("EVENTWATCH_TEST_SMTP_PASSWORD", "from-env")
    notifier = from_spec({"email": {"host": "h", "from": "f@x", "to": "t@x", "username": "u",
                                    "password_env": "EVENTWATCH_TEST_SMTP_PASSWORD"}})
    assert notifier._password == "from-env" and "from-env" not in repr(notifier)


def test_spec_email():
    notifier = from_spec({"email": {"host": "smtp.example.org", "port": 2525,
                                    "from": "ew@example.org", "to": ["a@example.org"],
                                    "username": "ew", "password_env": "SMTP_PASSWORD",
                                    "starttls": True, "timeout": 3}}, ENV)
    assert isinstance(notifier, EmailNotifier)
    assert (notifier.host, notifier.port, notifier.sender, notifier.to) == (
        "smtp.example.org", 2525, "ew@example.org", ["a@example.org"])
    assert notifier.username == "ew" and notifier.starttls and not notifier.ssl
    assert notifier.name == "email:a@example.org via smtp.example.org:2525"
    plain = from_spec({"email": {"host": "h", "from": "f@x", "to": "t@x"}}, ENV)
    assert plain.to == ["t@x"] and plain.port == 25 and plain.username is None


@pytest.mark.parametrize("spec, named", [
    ("log", "mapping"),
    ({}, "exactly one"),
    ({"log": True, "webhook": "http://x"}, "both log and webhook"),
    ({"slack": "x"}, "slack"),
    ({"log": False}, "log must be"),
    ({"log": "a.jsonl", "level": "info"}, "'level'"),
    ({"webhook": "ftp://x"}, "http"),
    ({"webhook": "http://x", "retry": 3}, "'retry'"),
    ({"webhook": "http://x", "retries": -1}, "retries"),
    ({"webhook": "http://x", "retries": "3"}, "retries"),
    ({"webhook": "http://x", "timeout": 0}, "timeout"),
    ({"webhook": "http://x", "secret": "inline"}, "secret_env"),
    ({"webhook": "http://x", "secret_env": "UNSET_VARIABLE"}, "UNSET_VARIABLE"),
    ({"webhook": "http://x", "headers": {"X": 1}}, "headers"),
    ({"webhook": "http://x", "headers_env": {"Authorization": "NOPE"}},
     "headers_env.Authorization"),
    ({"webhook": "http://x", "headers": {"X-Place": "Душанбе"}}, "ASCII"),
    ({"email": "a@b"}, "mapping"),
    ({"email": {"host": "h", "from": "f@x"}}, "to is required"),
    ({"email": {"from": "f@x", "to": ["t@x"]}}, "host is required"),
    ({"email": {"host": "h", "from": "f@x", "to": [1]}}, "to must be"),
    ({"email": {"host": "h", "from": "f@x", "to": "t@x", "port": "25"}}, "port"),
    ({"email": {"host": "h", "from": "f@x", "to": "t@x", "password": "pw"}}, "password_env"),
    ({"email": {"host": "h", "from": "f@x", "to": "t@x", "starttls": "yes"}}, "starttls"),
    ({"email": {"host": "h", "from": "f@x", "to": "t@x", "ssl": True, "starttls": True}}, "ssl"),
    ({"email": {"host": "h", "from": "f@x", "to": "t@x"}, "to": "x"}, "'to'"),
    ({"email": {"host": "h", "from": "f@x", "to": "t@x", "sender": "s"}}, "'sender'"),
])
def test_bad_specs_are_refused(spec, named):
    with pytest.raises(ValueError, match=named) as err:
        from_spec(spec, ENV)
    assert "inline" not in str(err.value) and "pw" not in str(err.value).replace("password_env", "")
