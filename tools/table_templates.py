"""Word templates that are tables (notice, card, duty list), built with python-docx."""

from __future__ import annotations

TABLE_TEMPLATES: dict = {}
