"""The channels a notice goes out on, each in its own protocol:

- 企业微信 group robot: POST `{"msgtype": "text", "text": {"content", "mentioned_mobile_list"}}`, answer `errcode` 0;
- 钉钉 robot: the same shape with `at.atMobiles`, signed when the robot has a secret (加签: `timestamp` and
  `sign` = base64(HMAC-SHA256(secret, "timestamp\\nsecret")) in the URL), answer `errcode` 0;
- 飞书 robot: `{"msg_type": "text", "content": {"text"}}`, with `timestamp` and `sign` =
  base64(HMAC-SHA256(key "timestamp\\nsecret", empty message)) when it has a secret, answer `code` 0;
- JSON webhook: the notice as JSON, with `X-Luoshi-Signature: sha256=<HMAC of the body>` when it has a secret;
- e-mail over SMTP (`settings.smtp_*`).

`send` raises DeliveryFailed with the reason (in words) when the receiver did not take the message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.parse
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import httpx

from luoshi.errors import LuoshiError
from luoshi.store.outbox import ChannelView


class DeliveryFailed(LuoshiError):
    """A receiver did not take a message: no answer, an error status, or a robot's refusal."""


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict[str, str]


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _content(message: dict[str, Any]) -> str:
    return message["text"]


def render(channel: ChannelView, message: dict[str, Any], *, now: float | None = None) -> Request:
    """The HTTP request that delivers `message` on a robot or webhook channel."""
    now = time.time() if now is None else now
    mobiles = list(channel.mobiles)
    url = channel.target
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if channel.kind == "wecom":
        text: dict[str, Any] = {"content": _content(message)}
        if mobiles:
            text["mentioned_mobile_list"] = mobiles
        body: dict[str, Any] = {"msgtype": "text", "text": text}
    elif channel.kind == "dingtalk":
        # DingTalk notifies the numbers in `at` and highlights them where the text names them.
        body = {"msgtype": "text", "text": {"content": _content(message) + "".join(f" @{m}" for m in mobiles)},
                "at": {"atMobiles": mobiles, "isAtAll": False}}
        if channel.secret:
            ts = int(now * 1000)
            sign = urllib.parse.quote_plus(dingtalk_sign(channel.secret, ts))
            url += f"{'&' if '?' in url else '?'}timestamp={ts}&sign={sign}"
    elif channel.kind == "feishu":
        body = {"msg_type": "text", "content": {"text": _content(message)}}
        if channel.secret:
            ts = int(now)
            body = {"timestamp": str(ts), "sign": feishu_sign(channel.secret, ts), **body}
    elif channel.kind == "webhook":
        body = {"type": "luoshi.notice", **message}
    else:
        raise ValueError(f"channel kind {channel.kind!r} is not sent over HTTP")
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    if channel.kind == "webhook" and channel.secret:
        headers["X-Luoshi-Signature"] = "sha256=" + hmac.new(channel.secret.encode(), data, hashlib.sha256).hexdigest()
    return Request(url, data, headers)


def _refusal(response: httpx.Response) -> str | None:
    """Why a robot refused a message it answered 200 to, if it did."""
    try:
        data = response.json()
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for field, message in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        if data.get(field) not in (None, 0):
            return f"{field} {data.get(field)}: {data.get(message)}"
    return None


def _host(url: str) -> str:
    """The receiver as an error names it: scheme, host and path, never the query (it holds the token)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


@dataclass(frozen=True)
class Mailer:
    """How e-mail goes out: the SMTP settings."""

    host: str | None
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "luoshi@localhost"
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Any) -> "Mailer":
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_user, settings.smtp_password,
                   settings.smtp_from, settings.smtp_starttls, settings.webhook_timeout)

    def send(self, to: list[str], subject: str, text: str) -> None:
        if not self.host:
            raise DeliveryFailed("邮件服务器未设置（LUOSHI_SMTP_HOST）")
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, ", ".join(to), subject
        mail.set_content(text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from None


def send(channel: ChannelView | None, message: dict[str, Any], *, client: httpx.Client, mailer: Mailer,
         now: float | None = None) -> None:
    """Deliver `message` on `channel`, or raise DeliveryFailed saying why not."""
    if channel is None:
        raise DeliveryFailed("提醒渠道已被删除")
    if channel.kind == "email":
        mailer.send([a.strip() for a in channel.target.split(",") if a.strip()], message["title"], message["text"])
        return
    request = render(channel, message, now=now)
    try:
        response = client.post(request.url, content=request.body, headers=request.headers)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{_host(request.url)}: {type(exc).__name__}: {exc}") from None
    if response.status_code >= 300:
        raise DeliveryFailed(f"{_host(request.url)}: HTTP {response.status_code} {response.text[:200]}")
    refused = _refusal(response)
    if refused:
        raise DeliveryFailed(f"{_host(request.url)}: {refused}")
