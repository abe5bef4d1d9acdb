"""The kinds that come with fupin-docs; importing a module registers its kind."""

# Each kind states its place in lists and builds (`order`), whatever the import order.
from fupin_docs.documents import (
    card,
    dropout,
    duty,
    ledger,
    letter,
    notice,
    persuasion,
    public,
    report,
)

# the county's kinds (Scope.county), in their own subpackage
from fupin_docs.county import kinds as county_kinds  # noqa: E402  (after the school's kinds)

__all__ = ["card", "county_kinds", "dropout", "duty", "ledger", "letter", "notice",
           "persuasion", "public", "report"]
