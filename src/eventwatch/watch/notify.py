"""Notifiers: deliver one watchlist alert to a log, a webhook or a mailbox, and say if it worked.

A notifier's `send(alert)` returns when the alert was delivered and raises `DeliveryError`
when it was not; storing alerts and retrying failed deliveries later is the caller's job.
`DeliveryError.retryable` says whether a later retry can help (a network error or an HTTP
500 can; an HTTP 400 or a refused recipient cannot).

An alert is a plain dict (``id``, ``watchlist``, ``created_at``, ``event_id``, ``story_id``,
``article_id``, ``reasons``, ``event``, ``article``); any part of it may be missing or None.

Notifiers in a watchlist
------------------------

Each entry of a watchlist's ``notify:`` list is one notifier, named by exactly one of the
keys ``log``, ``webhook`` or ``email``. Secrets (an HMAC key, an SMTP password, an
``Authorization`` header) are never written in the file: ``*_env`` keys name the environment
variables that hold them, read when the watchlist is loaded::

    notify:
      # One JSON line per alert appended to a file ...
      - log: alerts.jsonl
      # ... or one WARNING line on the "eventwatch.alerts" logger.
      - log: true

      # POST the alert as JSON (Content-Type: application/json, User-Agent: eventwatch).
      - webhook: https://hooks.example.org/eventwatch
        headers: {X-Team: analysts}            # optional, sent as given
        headers_env: {Authorization: HOOK_AUTH} # optional, header -> variable with its value
        secret_env: HOOK_SECRET                 # optional, signs the body (see below)
        timeout: 10                             # seconds per attempt (default 10)
        retries: 3                              # extra attempts after the first (default 3)
        backoff: 0.5                            # first pause in seconds, doubled each time

      # Send an e-mail through an SMTP server.
      - email:
          host: smtp.example.org
          port: 587                  # default 25; 587 with starttls, 465 with ssl
          from: eventwatch@example.org
          to: [analyst@example.org]  # a list, or one address
          username: eventwatch       # optional; log in before sending
          password_env: SMTP_PASSWORD
          starttls: true             # or ssl: true for SMTP over TLS; not both
          timeout: 10

A webhook delivery succeeds on any 2xx answer. Network errors, timeouts, HTTP 408, 429 and
5xx are retried after ``backoff * 2**attempt`` seconds, or after the server's
``Retry-After`` (at most 30 s); other answers (3xx, 4xx) fail at once, as redirects are not
followed. With ``secret_env`` each request carries
``X-Eventwatch-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the secret>``;
a receiver recomputes it over the bytes it received and compares in constant time, e.g.
``hmac.compare_digest(header, "sha256=" + hmac.new(key, body, "sha256").hexdigest())``.
A retried or re-sent alert has the same ``id``, by which a receiver can drop duplicates.

The e-mail subject reads ``[eventwatch] drills-near-afghanistan: COOPERATE in Dushanbe, TJK
(2026-11-20)``; the plain-text body gives the summary, the reasons the event matched, its
sentence, the article's link, and the alert as JSON.
"""
from __future__ import annotations

import abc
import datetime as dt
import email.utils
import hashlib
import hmac
import json
import logging
import math
import os
import smtplib
import ssl as ssl_module
import threading
import time
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import EventwatchError

if TYPE_CHECKING:
    import httpx

__all__ = ["DeliveryError", "EmailNotifier", "LogNotifier", "Notifier", "WebhookNotifier",
           "from_spec", "summary"]

#: The logger `LogNotifier` without a file writes alerts to.
ALERT_LOGGER = "eventwatch.alerts"
#: The longest pause between a webhook's attempts, whatever ``Retry-After`` asks (seconds).
MAX_RETRY_AFTER = 30.0
#: The header carrying a webhook body's HMAC-SHA256 signature.
SIGNATURE_HEADER = "X-Eventwatch-Signature"
USER_AGENT = "eventwatch"

_log = logging.getLogger(__name__)
# Answers worth another try: the request timed out, too many requests, the server failed.
_RETRY_STATUS = {408, 429}


class DeliveryError(EventwatchError):
    """An alert could not be delivered. Names the notifier (kind and target) and what failed.

    ``notifier`` is the notifier's name, ``reason`` what failed (an HTTP status, a network or
    SMTP error), ``status`` the last HTTP status or SMTP code if any, ``attempts`` how many
    tries were made, and ``retryable`` whether delivering the same alert later may succeed.
    """

    code = "E006"

    def __init__(self, notifier: str, reason: str, *, status: int | None = None,
                 attempts: int = 1, retryable: bool = True) -> None:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"delivery through {notifier} failed{tries}: {reason}")
        self.notifier = notifier
        self.reason = reason
        self.status = status
        self.attempts = attempts
        self.retryable = retryable


class Notifier(abc.ABC):
    """Delivers alerts to one target. ``name`` says which ("webhook:https://host/path"), never
    with a secret in it; `send` returns on success and raises `DeliveryError` otherwise."""

    name: str

    @abc.abstractmethod
    def send(self, alert: Mapping[str, Any]) -> None:
        """Deliver one alert, or raise `DeliveryError` saying why it was not delivered."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


# --------------------------------------------------------------------------- alert text


def _part(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    """A value as one line of text: '' for None, whitespace (newlines included) collapsed."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def _headline(alert: Mapping[str, Any]) -> str:
    """``watchlist: TYPE in Place, CTY (date)``, leaving out what the alert lacks."""
    event = _part(alert.get("event"))
    words = [_text(event.get("type")) or "event"]
    place = ", ".join(p for p in (_text(event.get("location_name")),
                                  _text(event.get("location_country"))) if p)
    if place:
        words.append(f"in {place}")
    date = _text(event.get("date"))
    if date:
        words.append(f"({date})")
    watchlist = _text(alert.get("watchlist")) or "watchlist"
    return f"{watchlist}: {' '.join(words)}"


def _actor(event: Mapping[str, Any], role: str) -> str:
    return " ".join(p for p in (_text(event.get(f"{role}_country")),
                                _text(event.get(f"{role}_sector"))) if p)


def summary(alert: Mapping[str, Any]) -> str:
    """One line saying what happened, where, when and who, and which article reported it.

    >>> summary({"watchlist": "w", "event": {"type": "PROTEST", "location_name": "Oslo"}})
    'w: PROTEST in Oslo'
    """
    alert = _part(alert)
    event = _part(alert.get("event"))
    article = _part(alert.get("article"))
    parts = [_headline(alert)]
    mode, status = _text(event.get("mode")), _text(event.get("status"))
    if mode:
        parts.append(f"mode {mode}")
    if status and status != "occurred":
        parts.append(status)
    source, target = _actor(event, "source"), _actor(event, "target")
    if source:
        parts.append(f"by {source}")
    if target:
        parts.append(f"target {target}")
    quantities = event.get("quantities")
    if isinstance(quantities, Sequence) and not isinstance(quantities, str):
        said = [_text(q.get("text")) if isinstance(q, Mapping) else _text(q) for q in quantities]
        if any(said):
            parts.append(", ".join(q for q in said if q))
    confidence = event.get("confidence")
    if isinstance(confidence, (int, float)) and not isinstance(confidence, bool):
        parts.append(f"confidence {confidence:.2f}")
    title, url = _text(article.get("title")), _text(article.get("url"))
    site = _text(article.get("source"))
    cited = " ".join(p for p in (f'"{title}"' if title else "", f"({site})" if site else "", url)
                     if p)
    if cited:
        parts.append(cited)
    return "; ".join(parts)


def _jsonable(value: Any) -> Any:
    # Plain JSON for any receiver: non-finite floats become null (JSON has no NaN), dates and
    # other objects their text, so serialising an alert never fails.
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _alert_json(alert: Mapping[str, Any], *, indent: int | None = None) -> str:
    return json.dumps(_jsonable(alert), ensure_ascii=False, allow_nan=False, indent=indent,
                      separators=None if indent else (",", ":"))


# --------------------------------------------------------------------------- log


class LogNotifier(Notifier):
    """Appends each alert as one JSON line to a file, or logs its `summary` on the
    ``eventwatch.alerts`` logger at WARNING when no path is given."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else None
        self.name = f"log:{self.path}" if self.path is not None else f"log:{ALERT_LOGGER}"
        self._lock = threading.Lock()  # one whole line per alert when threads share a notifier

    def send(self, alert: Mapping[str, Any]) -> None:
        """Write the alert; raise `DeliveryError` if the file cannot be written."""
        if self.path is None:
            logging.getLogger(ALERT_LOGGER).warning("%s", summary(alert))
            return
        line = _alert_json(alert) + "\n"
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(line)
                    out.flush()
        except OSError as exc:
            raise DeliveryError(self.name, f"cannot write the file: {exc}") from exc


# --------------------------------------------------------------------------- webhook


def _public_url(url: str) -> str:
    """The URL without user, password, query or fragment, which may hold secrets."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        seconds = (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


class WebhookNotifier(Notifier):
    """POSTs each alert as JSON to a URL, retrying network errors, timeouts, 408, 429 and 5xx.

    ``retries`` extra attempts follow the first, ``backoff * 2**attempt`` seconds apart unless
    the server's ``Retry-After`` says otherwise; no pause exceeds ``max_retry_after``. With a
    ``secret``, the ``X-Eventwatch-Signature`` header carries ``sha256=`` and the hex
    HMAC-SHA256 of the body. A given httpx ``client`` is used as is and not closed.
    """

    def __init__(self, url: str, headers: Mapping[str, str] | None = None, timeout: float = 10.0,
                 retries: int = 3, backoff: float = 0.5, client: httpx.Client | None = None, *,
                 secret: str | bytes | None = None,
                 max_retry_after: float = MAX_RETRY_AFTER) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"webhook: not an http(s) URL: {_public_url(url)!r}")
        if retries < 0 or timeout <= 0 or backoff < 0 or max_retry_after < 0:
            raise ValueError("webhook: retries and backoff must be >= 0, timeout > 0")
        for header, value in (headers or {}).items():
            # Refused here rather than failing every delivery later (HTTP headers are ASCII).
            if not all(isinstance(text, str) and text.isascii() and text.isprintable()
                       for text in (header, value)):
                raise ValueError(f"webhook: header {header!r} must be one line of ASCII text")
        self.url = url
        self.name = f"webhook:{_public_url(url)}"
        self.headers = dict(headers or {})
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.max_retry_after = float(max_retry_after)
        self.client = client
        self._secret = secret.encode() if isinstance(secret, str) else secret

    def _request_headers(self, body: bytes) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, **self.headers,
                   "Content-Type": "application/json"}
        if self._secret:
            digest = hmac.new(self._secret, body, hashlib.sha256).hexdigest()
            headers[SIGNATURE_HEADER] = f"sha256={digest}"
        return headers

    def send(self, alert: Mapping[str, Any]) -> None:
        """POST the alert; raise `DeliveryError` after a failing answer or the last retry."""
        import httpx  # imported on first use: it costs a noticeable fraction of a second

        body = _alert_json(alert).encode("utf-8")
        headers = self._request_headers(body)
        if self.client is not None:
            self._deliver(self.client, body, headers)
            return
        with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
            self._deliver(client, body, headers)

    def _deliver(self, client: httpx.Client, body: bytes, headers: dict[str, str]) -> None:
        import httpx

        attempts = self.retries + 1
        for attempt in range(attempts):
            wait = self.backoff * 2 ** attempt
            try:
                response = client.post(self.url, content=body, headers=headers,
                                       timeout=self.timeout)
            except httpx.TransportError as exc:  # connection refused, DNS, timeouts, resets
                kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "network error"
                failure = DeliveryError(self.name, f"{kind}: {type(exc).__name__}: {exc}",
                                        attempts=attempt + 1)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # not worth another try
                raise DeliveryError(self.name, f"HTTP error: {type(exc).__name__}: {exc}",
                                    attempts=attempt + 1, retryable=False) from exc
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return
                said = " ".join(response.text[:200].split())
                reason = f"HTTP {status} {response.reason_phrase}".rstrip()
                if said:
                    reason += f" ({said})"
                if 300 <= status < 400:
                    reason += "; redirects are not followed: give the final URL"
                retryable = status >= 500 or status in _RETRY_STATUS
                failure = DeliveryError(self.name, reason, status=status, attempts=attempt + 1,
                                        retryable=retryable)
                if not retryable:
                    raise failure
                asked = _retry_after(response.headers.get("Retry-After"))
                if asked is not None:
                    wait = asked
            if attempt + 1 < attempts:
                wait = min(wait, self.max_retry_after)
                _log.info("%s; retrying in %.2f s", failure, wait)
                time.sleep(wait)
        raise failure


# --------------------------------------------------------------------------- e-mail


def _smtp_text(said: Any) -> str:
    return _text(said.decode(errors="replace") if isinstance(said, bytes) else said)


def _smtp_failure(exc: Exception) -> tuple[str, int | None, bool]:
    """(what failed, SMTP code, whether retrying may help) for an smtplib or socket error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        refused = ", ".join(f"{rcpt} ({code} {_smtp_text(said)})"
                            for rcpt, (code, said) in exc.recipients.items())
        # Only a temporary refusal (4xx) may pass later.
        return (f"all recipients refused: {refused}", codes[0] if codes else None,
                any(400 <= code < 500 for code in codes))
    if isinstance(exc, smtplib.SMTPResponseException):
        return (f"SMTP error {exc.smtp_code} {_smtp_text(exc.smtp_error)} "
                f"({type(exc).__name__})", exc.smtp_code, not 500 <= exc.smtp_code < 600)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"SMTP error: {exc}", None, False
    if isinstance(exc, smtplib.SMTPException):
        return f"SMTP error: {type(exc).__name__}: {exc}", None, True
    return f"network error: {type(exc).__name__}: {exc}", None, True


class EmailNotifier(Notifier):
    """Sends each alert as a plain-text e-mail through an SMTP server.

    ``port`` defaults to 25, 587 with ``starttls`` and 465 with ``ssl`` (SMTP over TLS). With a
    ``username`` the notifier logs in before sending. TLS certificates are verified.
    """

    def __init__(self, host: str, port: int | None = None, *, sender: str, to: Sequence[str],
                 username: str | None = None, password: str | None = None,
                 starttls: bool = False, ssl: bool = False, timeout: float = 10.0) -> None:
        if isinstance(to, str):
            to = [to]
        to = [address.strip() for address in to]
        if not host or not sender or not to or not all(to):
            raise ValueError("email: host, sender and at least one recipient are required")
        if starttls and ssl:
            raise ValueError("email: starttls and ssl exclude each other; choose one")
        for address in (sender, *to):
            if any(c in address for c in "\r\n"):
                raise ValueError(f"email: not an address: {address!r}")
        self.host = host
        self.port = port if port is not None else (465 if ssl else 587 if starttls else 25)
        self.sender = sender
        self.to = to
        self.username = username
        self._password = password
        self.starttls = starttls
        self.ssl = ssl
        self.timeout = float(timeout)
        self.name = f"email:{','.join(to)} via {host}:{self.port}"

    def message(self, alert: Mapping[str, Any]) -> EmailMessage:
        """The e-mail for an alert: subject, summary, reasons, sentence, link and JSON."""
        alert = _part(alert)
        event = _part(alert.get("event"))
        article = _part(alert.get("article"))
        lines = [summary(alert), ""]
        reasons = alert.get("reasons")
        if isinstance(reasons, Sequence) and not isinstance(reasons, str) and reasons:
            lines.append("Why it matched:")
            lines.extend(f"  - {_text(reason)}" for reason in reasons)
            lines.append("")
        sentence = _text(event.get("sentence"))
        if sentence:
            lines += ["Sentence:", f"  {sentence}", ""]
        title, url = _text(article.get("title")), _text(article.get("url"))
        about = ", ".join(p for p in (_text(article.get("source")),
                                      _text(article.get("published"))) if p)
        if title or url:
            lines.append(" ".join(p for p in ("Article:", title, f"({about})" if about else "")
                                  if p))
            if url:
                lines.append(f"  {url}")
            lines.append("")
        lines += ["-- ", "Alert as JSON:", _alert_json(alert, indent=2), ""]

        msg = EmailMessage()
        msg["Subject"] = f"[eventwatch] {_headline(alert)}"
        msg["From"] = self.sender
        msg["To"] = ", ".join(self.to)
        msg["Date"] = email.utils.formatdate(localtime=False)
        # An explicit domain: without one make_msgid looks up this machine's name, which can hang.
        domain = self.sender.rpartition("@")[2].strip("<> ") or "eventwatch.invalid"
        msg["Message-ID"] = email.utils.make_msgid("eventwatch", domain=domain)
        msg.set_content("\n".join(lines))
        return msg

    def send(self, alert: Mapping[str, Any]) -> None:
        """Send the alert's e-mail; raise `DeliveryError` on an SMTP or network error, or when
        the server refuses any recipient."""
        msg = self.message(alert)
        context = ssl_module.create_default_context() if (self.ssl or self.starttls) else None
        try:
            if self.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                      context=context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.starttls:
                    smtp.starttls(context=context)
                if self.username:
                    smtp.login(self.username, self._password or "")
                refused = smtp.send_message(msg, from_addr=self.sender, to_addrs=self.to)
        except (smtplib.SMTPException, OSError) as exc:
            reason, code, retryable = _smtp_failure(exc)
            raise DeliveryError(self.name, reason, status=code, retryable=retryable) from exc
        if refused:
            # The others have the message already: sending it again would duplicate it.
            said = ", ".join(f"{rcpt} ({code})" for rcpt, (code, _) in refused.items())
            raise DeliveryError(self.name, f"recipients refused: {said}; the others received it",
                                status=next(iter(refused.values()))[0], retryable=False)


# --------------------------------------------------------------------------- specs

_KINDS = ("log", "webhook", "email")
_WEBHOOK_KEYS = {"webhook", "headers", "headers_env", "secret_env", "timeout", "retries",
                 "backoff"}
_EMAIL_KEYS = {"host", "port", "from", "to", "username", "password_env", "starttls", "ssl",
               "timeout"}
# Keys that would put a secret in the file, and the key to use instead.
_INLINE_SECRETS = {"secret": "secret_env", "password": "password_env"}


def _env(environ: Mapping[str, str], where: str, key: str, name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}: {key} must name an environment variable, not {name!r}")
    value = environ.get(name)
    if not value:
        raise ValueError(f"{where}: {key}: the environment variable {name} is not set")
    return value


def _number(spec: Mapping[str, Any], where: str, key: str, default: float, *,
            integer: bool = False, positive: bool = False) -> Any:
    value = spec.get(key, default)
    kinds = (int,) if integer else (int, float)
    if (isinstance(value, bool) or not isinstance(value, kinds) or value < 0
            or (positive and value == 0)):
        kind = "an integer" if integer else "a number"
        raise ValueError(f"{where}: {key} must be {kind} {'> 0' if positive else '>= 0'}, "
                         f"not {value!r}")
    return value


def _flag(spec: Mapping[str, Any], where: str, key: str) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _check_keys(spec: Mapping[str, Any], where: str, allowed: set[str]) -> None:
    for key in spec:
        if key in _INLINE_SECRETS:
            raise ValueError(f"{where}: {key} must not be written in the file; give "
                             f"{_INLINE_SECRETS[key]}, the environment variable that holds it")
        if key not in allowed:
            raise ValueError(f"{where}: unknown key {key!r} (expected one of "
                             f"{', '.join(sorted(allowed))})")


def _header_map(value: Any, where: str, key: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError(f"{where}: {key} must map header names to strings, not {value!r}")
    return dict(value)


def _webhook(spec: Mapping[str, Any], environ: Mapping[str, str]) -> WebhookNotifier:
    where = "webhook notifier"
    _check_keys(spec, where, _WEBHOOK_KEYS)
    url = spec["webhook"]
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        shown = _public_url(url) if isinstance(url, str) else url
        raise ValueError(f"{where}: webhook must be an http(s) URL, not {shown!r}")
    headers = _header_map(spec.get("headers"), where, "headers")
    for header, name in _header_map(spec.get("headers_env"), where, "headers_env").items():
        headers[header] = _env(environ, where, f"headers_env.{header}", name)
    secret = (_env(environ, where, "secret_env", spec["secret_env"])
              if spec.get("secret_env") is not None else None)
    return WebhookNotifier(url, headers=headers, secret=secret,
                           timeout=_number(spec, where, "timeout", 10.0, positive=True),
                           retries=_number(spec, where, "retries", 3, integer=True),
                           backoff=_number(spec, where, "backoff", 0.5))


def _email(spec: Mapping[str, Any], environ: Mapping[str, str]) -> EmailNotifier:
    where = "email notifier"
    if set(spec) != {"email"}:
        extra = sorted(map(str, set(spec) - {"email"}))[0]
        raise ValueError(f"{where}: unknown key {extra!r}; put the settings under email:")
    body = spec["email"]
    if not isinstance(body, Mapping):
        raise ValueError(f"{where}: email must be a mapping of settings (host, from, to, ...), "
                         f"not {body!r}")
    _check_keys(body, where, _EMAIL_KEYS)
    for key in ("host", "from", "to"):
        if not body.get(key):
            raise ValueError(f"{where}: {key} is required")
    for key in ("host", "from", "username"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise ValueError(f"{where}: {key} must be a string, not {body[key]!r}")
    to = body["to"]
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, Sequence) or not all(isinstance(a, str) and a.strip() for a in to):
        raise ValueError(f"{where}: to must be an address or a list of addresses, not {to!r}")
    port = body.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int)
                             or not 0 < port < 65536):
        raise ValueError(f"{where}: port must be an integer from 1 to 65535, not {port!r}")
    password = (_env(environ, where, "password_env", body["password_env"])
                if body.get("password_env") is not None else None)
    return EmailNotifier(body["host"], port, sender=body["from"], to=list(to),
                         username=body.get("username"), password=password,
                         starttls=_flag(body, where, "starttls"), ssl=_flag(body, where, "ssl"),
                         timeout=_number(body, where, "timeout", 10.0, positive=True))


def from_spec(spec: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Notifier:
    """The notifier a watchlist's ``notify:`` entry describes (see the module docstring).

    Secrets are read from ``environ`` (default: ``os.environ``) now, through the ``*_env``
    keys. Raises ValueError naming the bad key for a malformed entry or an unset variable.
    """
    environ = os.environ if environ is None else environ
    if not isinstance(spec, Mapping):
        raise ValueError(f"notifier: expected a mapping with one of {', '.join(_KINDS)}, "
                         f"not {spec!r}")
    kinds = [kind for kind in _KINDS if kind in spec]
    if len(kinds) != 1:
        found = (f"both {' and '.join(kinds)}" if kinds
                 else f"none (keys: {', '.join(map(str, spec)) or 'none'})")
        raise ValueError(f"notifier: give exactly one of {', '.join(_KINDS)}; found {found}")
    kind = kinds[0]
    if kind == "webhook":
        return _webhook(spec, environ)
    if kind == "email":
        return _email(spec, environ)
    if set(spec) != {"log"}:
        extra = sorted(map(str, set(spec) - {"log"}))[0]
        raise ValueError(f"log notifier: unknown key {extra!r}")
    target = spec["log"]
    if target is True or target is None:
        return LogNotifier()
    if isinstance(target, (str, os.PathLike)) and os.fspath(target).strip():
        return LogNotifier(target)
    raise ValueError(f"log notifier: log must be a file path or true, not {target!r}")
