"""Facts: what a build knows about one school, computed once and read by every document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fupin_docs.data.model import Household, Project
from fupin_docs.data.policy_table import PolicyTable
from fupin_docs.data.project import LoadedProject
from fupin_docs.facts.entitlements import Aid, HouseholdAid
from fupin_docs.facts.schoolage import SchoolAge
from fupin_docs.facts.stats import Stats


@dataclass
class Facts:
    """A school's data with its counts, pairings and entitlements, plus the pack's wording."""

    loaded: LoadedProject
    policy: PolicyTable
    #: the template pack's fixed wording (county, bureau, 文号 …), see data.packs.Boilerplate
    boilerplate: dict[str, Any] = field(default_factory=dict)
    #: the internal ledger shows whole ID numbers (--full-ids, or ledger_full_ids in the data)
    full_ids: bool = False
    #: the bounds on templates in the data (narrative paragraphs): a render.limits.Limits
    limits: Any = None
    stats: Stats = field(init=False)
    aid: Aid = field(init=False)
    #: the children of compulsory-school age and where each is (控辍保学)
    school_age: SchoolAge = field(init=False)
    #: parts of template data that documents share, made once per build (see documents.common)
    shared: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.stats = Stats(self.loaded.project)
        self.aid = Aid(self.policy)
        self.school_age = SchoolAge(self.loaded.project, self.policy.compulsory, self.stats)

    @property
    def project(self) -> Project:
        """Return the validated project."""
        return self.loaded.project

    def household_aid(self, household: Household) -> HouseholdAid:
        """Return what `household`'s children receive."""
        return self.aid.of(household)
