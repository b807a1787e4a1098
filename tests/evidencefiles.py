"""Small real files for the evidence tests: a photo (JPEG), a PNG, a PDF of two pages, Word and Excel."""

from __future__ import annotations

import io


def jpeg(width: int = 640, height: int = 480, colour=(200, 60, 40)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).rectangle((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=(30, 90, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (50, 40), (0, 128, 0)).save(out, "PNG")
    return out.getvalue()


def pdf(pages: int = 2) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for n in range(pages):
        c.setFont("Helvetica", 28)
        c.drawString(72, 760, f"Acceptance report, page {n + 1}")
        c.rect(72, 400, 300, 200, fill=1)
        c.showPage()
    c.save()
    return out.getvalue()


def docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    doc = Document()
    doc.add_paragraph("验收意见")
    doc.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    book.active.append(["项目", "完成"])
    book.save(out)
    return out.getvalue()
