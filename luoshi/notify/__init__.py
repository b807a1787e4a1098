"""Sending what the outbox holds: each channel's message format and protocol (`channels`), and the worker
that schedules time-based reminders and drains the outbox (`worker`), as `luoshi worker` or inside
`luoshi serve`. Nothing here runs inside a request that changes data.
"""

from luoshi.notify.channels import DeliveryFailed, Mailer, render, send
from luoshi.notify.worker import Worker, run_once

__all__ = ["DeliveryFailed", "Mailer", "Worker", "render", "run_once", "send"]
