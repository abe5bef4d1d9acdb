"""The kinds that come with fupin-docs; importing a module registers its kind."""

# Each kind states its place in lists and builds (`order`), whatever the import order.
from fupin_docs.county import kinds as county_kinds  # the county's (Scope.county)
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

__all__ = ["card", "county_kinds", "dropout", "duty", "ledger", "letter", "notice",
           "persuasion", "public", "report"]
