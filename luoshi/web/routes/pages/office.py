"""The office's documents and assessment pages: the 督办单 / 办结报告单 of an item and the 督办通知 of overdue
items as DOCX, the dossier of an item (一事一档), and the per-unit assessment ranking (考核)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
