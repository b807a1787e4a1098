"""Reading documents (TXT, DOCX, PDF) into source text, and layout normalisation that keeps offsets."""

from luoshi.text.layout import Layout, normalise

__all__ = ["Layout", "normalise"]
