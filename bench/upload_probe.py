"""The upload probe of issue 10 against a live `luoshi serve`: the two zip bombs and a 300 MB body, while
another client keeps asking for /login; prints the server's peak memory (VmHWM) and the slowest answer
of the other client. Bounded: one server on 127.0.0.1, three uploads, stops by itself.

    python bench/upload_probe.py
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile

MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bomb(write) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as body:
            write(body)
    return out.getvalue()


def paragraphs(body) -> None:
    block = b"<w:p/>" * 100_000
    for _ in range(60):
        body.write(block)


def zeros(body) -> None:
    chunk = b"\0" * (4 * MB)
    for _ in range(1100 // 4):
        body.write(chunk)


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    head = (f'--B\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + data + b"\r\n--B--\r\n", "multipart/form-data; boundary=B"


def peak_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    folder = tempfile.mkdtemp(prefix="luoshi-probe-")
    env = {**os.environ, "LUOSHI_DATABASE_URL": f"sqlite:///{folder}/probe.sqlite3", "LUOSHI_DATA_DIR": folder,
           "LUOSHI_AUDIT_KEY": "probe-audit-key-0123456789abcdef"}
    subprocess.run([sys.executable, "-m", "luoshi.cli", "users", "add", "office", "--role", "supervisor",
                    "--password-stdin"], input=b"probe-password-1", env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "luoshi.cli", "serve", "--port", str(port)], env=env,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        login = urllib.request.Request(base + "/api/token", json.dumps(
            {"username": "office", "password": "probe-password-1"}).encode(), {"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(login))["access_token"]
        slowest, stop = [0.0], threading.Event()

        def other_client() -> None:
            while not stop.is_set():
                started = time.monotonic()
                urllib.request.urlopen(base + "/login", timeout=30).read()
                slowest[0] = max(slowest[0], time.monotonic() - started)
                time.sleep(0.1)

        watcher = threading.Thread(target=other_client)
        watcher.start()
        for name, data in (("paragraphs.docx", bomb(paragraphs)), ("inflate.docx", bomb(zeros))):
            body, kind = multipart(name, data)
            request = urllib.request.Request(base + "/api/documents", body, {
                "Content-Type": kind, "Authorization": f"Bearer {token}"})
            started = time.monotonic()
            detail = ""
            try:
                answer = urllib.request.urlopen(request, timeout=120)
                status, body = answer.status, json.load(answer)
                while status == 202 and body.get("job", body).get("state") in ("queued", "running"):
                    time.sleep(0.2)  # a large upload: its background job, run by the server itself
                    job = body.get("job", body)
                    body = json.load(urllib.request.urlopen(urllib.request.Request(
                        f"{base}/api/documents/jobs/{job['id']}", headers={"Authorization": f"Bearer {token}"})))
                detail = f" (job {body.get('state')}: {body.get('message')})" if status == 202 else ""
            except urllib.error.HTTPError as exc:
                status, detail = exc.code, f" ({json.load(exc)['detail']})"
            print(f"{name}: {len(data) / MB:.1f} MB → {status} in {time.monotonic() - started:.1f} s{detail}")
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(f"POST /api/documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B"
                         f"\r\nContent-Length: {300 * MB}\r\n\r\n".encode() + b"x" * MB)
            print("anonymous 300 MB body →", conn.recv(200).split(b"\r\n")[0].decode())
        stop.set()
        watcher.join()
        print(f"server peak memory {peak_mb(server.pid):.0f} MB; slowest /login meanwhile {slowest[0] * 1000:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
