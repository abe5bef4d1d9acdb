"""The county's kinds; importing this module registers them (documents.builtin does)."""

from fupin_docs.county import dropout, ledger, public, report, teachers

__all__ = ["dropout", "ledger", "public", "report", "teachers"]
