"""The document types fupin-docs produces, with their templates and output folders."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocType:
    """One kind of document: where its templates are and where its files go."""

    key: str
    label: str
    #: base name of docx/<template>.docx and text/<template>.txt
    template: str
    #: one file per household (letter, notice, card) rather than one per school
    per_household: bool = False
    #: records per A4 page in the merged print file
    per_page: int = 1
    #: laid out per GB/T 9704 (checked by `fupin-docs lint`)
    gongwen: bool = False

    @property
    def folder(self) -> str:
        """Return the output folder name (the Chinese label)."""
        return self.label


REPORT = DocType("report", "汇报材料", "report", gongwen=True)
LETTER = DocType("letter", "致家长的一封信", "letter", per_household=True, gongwen=True)
NOTICE = DocType("notice", "政策告知单", "notice", per_household=True)
CARD = DocType("card", "联系卡", "card", per_household=True, per_page=2)
DUTY = DocType("duty", "责任一览表", "duty")
PUBLIC = DocType("public", "公示名单", "public")

ALL = (REPORT, LETTER, NOTICE, CARD, DUTY, PUBLIC)
BY_KEY = {d.key: d for d in ALL}
#: documents that are not rendered from a Word/text template pair
EXTRA_KEYS = ("ledger",)
