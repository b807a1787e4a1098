"""Local receivers that speak the protocols of the notification channels, on free loopback ports, for the
tests: 企业微信, 钉钉 (checking the signature), 飞书 (checking the signature), a JSON webhook, and SMTP
(aiosmtpd). Each records what it took; one can be told to fail its first N requests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Robot:
    """What one robot path does: its protocol, its secret, and how many requests it fails first."""

    protocol: str  # wecom | dingtalk | feishu | webhook
    secret: str | None = None
    fail_first: int = 0
    received: list[dict] = field(default_factory=list)  # bodies it accepted
    refused: list[str] = field(default_factory=list)  # why it refused the others
    seen: int = 0


class Receivers:
    """One HTTP server; `robot(path, protocol, …)` adds a path, whose URL it returns."""

    def __init__(self):
        self.robots: dict[str, Robot] = {}
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                parts = urllib.parse.urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = outer.take(parts.path, urllib.parse.parse_qs(parts.query), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "Receivers":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def robot(self, path: str, protocol: str, *, secret: str | None = None, fail_first: int = 0,
              query: str = "") -> tuple[str, Robot]:
        robot = Robot(protocol, secret, fail_first)
        self.robots[path] = robot
        return f"{self.url}{path}{query}", robot

    def take(self, path: str, query: dict, body: bytes) -> tuple[int, dict]:
        with self.lock:
            robot = self.robots.get(path)
            if robot is None:
                return 404, {"errcode": 404, "errmsg": "no such robot"}
            robot.seen += 1
            if robot.seen <= robot.fail_first:
                robot.refused.append("told to fail")
                return 500, {"errcode": -1, "errmsg": "system busy"}
            data = json.loads(body)
            problem = _check(robot, query, data)
            if problem:
                robot.refused.append(problem)
                ok_status = {"feishu": {"code": 19021, "msg": problem}}.get(robot.protocol,
                                                                           {"errcode": 310000, "errmsg": problem})
                return 200, ok_status
            robot.received.append(data)
            return 200, {"code": 0, "msg": "success"} if robot.protocol == "feishu" else {"errcode": 0, "errmsg": "ok"}


def _check(robot: Robot, query: dict, data: dict) -> str | None:
    """The receiving side of each protocol: its body shape and, where set, its signature."""
    if robot.protocol in ("wecom", "dingtalk"):
        if data.get("msgtype") != "text" or not data.get("text", {}).get("content"):
            return "bad body"
    if robot.protocol == "dingtalk" and robot.secret:
        ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        want = base64.b64encode(hmac.new(robot.secret.encode(), f"{ts}\n{robot.secret}".encode(),
                                         hashlib.sha256).digest()).decode()
        if not ts or sign != want:
            return "sign not match"
        if abs(time.time() * 1000 - int(ts)) > 3600 * 1000 * 24 * 365 * 5:
            return "timestamp out of range"
    if robot.protocol == "feishu":
        if data.get("msg_type") != "text" or not data.get("content", {}).get("text"):
            return "bad body"
        if robot.secret:
            ts = data.get("timestamp", "")
            want = base64.b64encode(hmac.new(f"{ts}\n{robot.secret}".encode(), b"", hashlib.sha256).digest()).decode()
            if data.get("sign") != want:
                return "sign match fail"
    if robot.protocol == "webhook" and data.get("type") != "luoshi.notice":
        return "bad body"
    return None


class Mailbox:
    """An SMTP server (aiosmtpd) on a free loopback port, keeping each message it takes."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                from email import message_from_bytes
                from email.policy import default

                mailbox.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
                return "250 OK"

        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> "Mailbox":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
