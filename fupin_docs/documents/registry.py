"""What a document kind is, and the registry of kinds that build, batch and commands loop over.

A kind is one declaration: its key and label, its template, its scope (one per school, one
per household, one per child it picks out, one per county), how its template data is
made from the facts (a county's kinds: from the county's facts), its
formats, whether it is a 公文, who reads it (which decides masking) and its paper contract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from fupin_docs.errors import UsageError
from fupin_docs.i18n import tr

if TYPE_CHECKING:
    from fupin_docs.data.model import Household
    from fupin_docs.errors import Problem
    from fupin_docs.facts.facts import Facts


class Scope(str, Enum):
    """How many of a kind a build makes."""

    school = "school"        # one per school: 汇报材料, 责任一览表 …
    household = "household"  # one per household, plus one print file per unit
    child = "child"          # one per child the kind picks out (its `records`), maybe none
    county = "county"        # one per county (county projects)


class Audience(str, Enum):
    """Who reads a document; it decides what personal data is shown (documents.privacy)."""

    home = "home"          # handed to a family or posted in its home: phones and IDs masked
    public = "public"      # posted for everyone (公示): masked
    official = "official"  # handed to the bureau: no household phones or IDs in it
    internal = "internal"  # kept by the school: IDs in full only when asked (--full-ids)


class Orientation(str, Enum):
    """The page's orientation."""

    portrait = "portrait"
    landscape = "landscape"


@dataclass(frozen=True)
class Paper:
    """How a kind must come out on paper; the page checks hold every build to it."""

    orientation: Orientation = Orientation.portrait
    #: records per A4 side in the merged print file (two contact cards to a page, say)
    records_per_page: int = 1
    #: at most this many pages per record for an ordinary record (None: no limit)
    max_pages: int | None = None
    #: …for a record of up to this many children (larger ones may run longer)
    max_pages_children: int | None = None
    #: blocks that must stay on one page, by the text they start with (e.g. 回执)
    keep_together: tuple[str, ...] = ()
    #: kinds of token that must never break across lines: "name", "id", "phone", "docno",
    #: "amount"
    unbreakable: tuple[str, ...] = ()
    #: header row repeated on each page, page numbers 第X页 共Y页 (tables)
    page_numbers: bool = False


#: a kind's template data from the facts (and the household, for per-household kinds)
ContextBuilder = Callable[["Facts", "Household | None"], Mapping[str, Any]]
#: a workbook from the facts and the kind's template data (None when it has no template)
WorkbookBuilder = Callable[["Facts", "Mapping[str, Any] | None"], bytes]
#: the records of a one-per-child kind: the parts of each file's name (village, household id,
#: child, joined by the build into a safe, unique name) and its template data; a county's
#: kind may have records too (one per school, say)
RecordsBuilder = Callable[["Facts"], Iterable[tuple[tuple[str, ...], Mapping[str, Any]]]]


@dataclass(frozen=True)
class Document:
    """One kind of document: what it is, where its files go, how it is made and printed."""

    key: str
    label: str
    #: base name of docx/<template>.docx and text/<template>.txt; None when not templated
    template: str | None
    scope: Scope
    audience: Audience
    #: the template data; kinds that share a builder share one context per record
    context: ContextBuilder | None = None
    formats: tuple[str, ...] = ("docx", "txt")
    #: laid out per GB/T 9704 (checked by `fupin-docs lint`); a seal switches its layout
    gongwen: bool = False
    paper: Paper = field(default_factory=Paper)
    #: builds the .xlsx when "xlsx" is among the formats
    workbook: WorkbookBuilder | None = None
    #: builds the Word template (`make templates`); None: generated from the text template
    word_template: Callable[[], Any] | None = None
    #: what `check` reports about this kind's paper (a card too full to fit, say)
    checks: Callable[[Facts], Iterable[Problem]] | None = None
    #: a short description for `templates list` and the README
    summary: str = ""
    #: where the kind comes in lists and builds (the built-ins count in tens)
    order: int = 100
    #: the records of a kind of Scope.child, one file each; `context` then makes a sample
    #: record's data (for `templates check`)
    records: RecordsBuilder | None = None

    @property
    def folder(self) -> str:
        """Return the output folder name (the Chinese label)."""
        return self.label

    @property
    def per_household(self) -> bool:
        """Return True for one file per household."""
        return self.scope is Scope.household

    def docx_name(self, *, seal: bool = False) -> str:
        """Return the Word template's name in the chain, e.g. ``docx/report-seal.docx``."""
        assert self.template is not None
        suffix = SEAL_SUFFIX if seal and self.gongwen else ""
        return f"docx/{self.template}{suffix}.docx"

    def text_name(self) -> str:
        """Return the text template's name in the chain, e.g. ``text/report.txt``."""
        assert self.template is not None
        return f"text/{self.template}.txt"


#: the Word template of a 公文 kind laid out for a seal image (GB/T 9704 §7.3.5.1)
SEAL_SUFFIX = "-seal"
#: the picture in a seal template that the pack's seal image replaces
SEAL_MEDIA = "word/media/image1.png"

_KINDS: dict[str, Document] = {}


def register(kind: Document) -> Document:
    """Add `kind` to the registry (replacing one of the same key); return it."""
    if kind.formats and "xlsx" in kind.formats and kind.workbook is None:
        raise ValueError(f"kind {kind.key} writes xlsx but has no workbook builder")
    if kind.template is None and set(kind.formats) & {"docx", "txt"}:
        raise ValueError(f"kind {kind.key} writes docx/txt but names no template")
    if kind.scope is Scope.child and kind.records is None:
        raise ValueError(f"kind {kind.key}: one per child needs records")
    if kind.records is not None and kind.scope not in (Scope.child, Scope.county):
        raise ValueError(f"kind {kind.key}: only kinds of children or of a county have records")
    for other in _KINDS.values():
        # kinds sharing template data share its masking, so they must share their readers
        if (other.key != kind.key and kind.context is not None
                and other.context is kind.context and other.audience is not kind.audience):
            raise ValueError(f"kinds {other.key} and {kind.key} share their template data but "
                             f"not their audience ({other.audience.value}, {kind.audience.value})")
    _KINDS[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    """Remove the kind `key` (tests that register kinds of their own clean up with this)."""
    _KINDS.pop(key, None)


def kinds(scope: Scope | None = None) -> list[Document]:
    """Return every registered kind (of `scope`) by their order, then as registered."""
    _load_builtins()
    ordered = sorted(_KINDS.values(), key=lambda k: k.order)  # stable: ties as registered
    return [k for k in ordered if scope is None or k.scope is scope]


def kind(key: str) -> Document:
    """Return the kind `key`."""
    _load_builtins()
    return _KINDS[key]


def select(only: Iterable[str] = (),
           scopes: Iterable[Scope] = (Scope.school, Scope.household, Scope.child)
           ) -> list[Document]:
    """Return the kinds a build makes: all of `scopes`, or those named in `only` (in order)."""
    wanted = [k for k in kinds() if k.scope in tuple(scopes)]
    names = [n for n in only]
    if not names:
        return wanted
    known = [k.key for k in wanted]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(tr(f"--only 中有不认识的文件类型：{'、'.join(unknown)}；"
                            f"可选：{', '.join(known)}",
                            f"unknown document type(s) {', '.join(unknown)}; "
                            f"choose from {', '.join(known)}"))
    return [k for k in wanted if k.key in names]


def _load_builtins() -> None:
    """Import the kinds that come with fupin-docs (each module registers itself)."""
    from fupin_docs.documents import builtin  # noqa: F401  (imported for its registrations)
