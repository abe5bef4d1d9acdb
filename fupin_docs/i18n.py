"""Message language: Simplified Chinese by default, English with ``--lang en`` or locale."""

from __future__ import annotations

import os

_chosen: str | None = None
_from_locale: str | None = None  # read once: tr() runs for every household


def set_lang(lang: str | None) -> None:
    """Fix the message language for this process: ``zh``, ``en``, or None (the locale's)."""
    global _chosen, _from_locale
    _chosen, _from_locale = lang, None


def current() -> str:
    """Return ``"en"`` or ``"zh"``: the chosen language, else the locale's, else Chinese."""
    global _from_locale
    if _chosen:
        return _chosen
    if _from_locale is None:
        _from_locale = "zh"
        for var in ("FUPIN_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
            value = os.environ.get(var, "")
            if value:
                _from_locale = "en" if value.lower().startswith("en") else "zh"
                break
    return _from_locale


def tr(zh: str, en: str) -> str:
    """Return the message in the current language; both texts are given at the call site."""
    return en if current() == "en" else zh
