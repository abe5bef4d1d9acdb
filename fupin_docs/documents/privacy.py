"""What personal data a document shows, decided once from who reads it (its audience)."""

from __future__ import annotations

from dataclasses import dataclass

from fupin_docs.cnformat import mask_id, mask_phone, mask_phones
from fupin_docs.documents.registry import Audience


@dataclass(frozen=True)
class Privacy:
    """How ID numbers, household phones and phones written into other text are printed for
    one audience."""

    audience: Audience
    full_ids: bool = False

    @property
    def shows_full_ids(self) -> bool:
        """Return True only for the internal ledger when whole IDs were asked for."""
        return self.audience is Audience.internal and self.full_ids

    def id_number(self, value: str | None) -> str:
        """Return an ID number as this audience may see it: 110101********1234 unless internal
        with full IDs asked for."""
        return (value or "") if self.shows_full_ids else mask_id(value or "")

    def phone(self, value: str | None) -> str:
        """Return a household's phone as this audience may see it: 138****5678 unless internal."""
        if self.audience is Audience.internal:
            return value or ""
        return mask_phone(value or "")

    def text(self, value: str | None) -> str:
        """Return text from the data (an address, a name) as this audience may see it: any
        phone number written into it masked (138****5678) unless internal."""
        if self.audience is Audience.internal:
            return value or ""
        return mask_phones(value or "")


def privacy_for(audience: Audience, full_ids: bool = False) -> Privacy:
    """Return the privacy rules of `audience`."""
    return Privacy(audience, full_ids)
