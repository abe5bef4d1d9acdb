"""Regenerate the built-in Word templates (templates/docx/) from the text templates.

Run ``make templates`` after changing a text template; a test fails when the Word templates
are out of date. With a pack's templates/ folder as argument, regenerates that pack's.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fupin_docs.commands.templates import word_templates  # noqa: E402


def main() -> None:
    """Write every Word template that differs from what its source makes now."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    text_dir = (folder or ROOT / "templates") / "text"
    target_dir = (folder or ROOT / "templates") / "docx"
    target_dir.mkdir(parents=True, exist_ok=True)
    for name, data in word_templates(text_dir, builtin=folder is None).items():
        target = target_dir / name
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
