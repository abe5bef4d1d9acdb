"""致家长的一封信: a letter to each household's parents (a 公文, one per household)."""

from __future__ import annotations

from fupin_docs.documents.household import household_context
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register

LETTER = register(Document(
    key="letter", label="致家长的一封信", template="letter", scope=Scope.household,
    audience=Audience.home, context=household_context, gongwen=True,
    paper=Paper(max_pages=1, max_pages_children=2, keep_together=("此致",),
                unbreakable=("name", "phone", "amount")),
    summary="致建档立卡贫困家庭学生家长的一封信，每户一份", order=20))
