"""The kinds that come with fupin-docs; importing a module registers its kind."""

# Each kind states its place in lists and builds (`order`), whatever the import order.
from fupin_docs.documents import card, duty, ledger, letter, notice, public, report

__all__ = ["card", "duty", "ledger", "letter", "notice", "public", "report"]
