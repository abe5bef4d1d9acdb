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

__all__ = ["card", "dropout", "duty", "ledger", "letter", "notice", "persuasion", "public",
           "report"]
