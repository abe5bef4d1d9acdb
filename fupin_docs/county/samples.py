"""Sample template data of the county's kinds, for `fupin-docs templates check`: a county of
one school (the starter project), whose data stands for any county's."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from fupin_docs.county.facts import CountyFacts
from fupin_docs.county.model import County, CountyFile, CountyInfo
from fupin_docs.county.summary import summarize
from fupin_docs.data.positions import Positions
from fupin_docs.data.roots import Roots
from fupin_docs.documents.registry import Scope, kinds
from fupin_docs.facts.facts import Facts


def county_samples(facts: Facts) -> dict[str, Mapping[str, Any]]:
    """Return the template data of each county kind for a county holding `facts`' school."""
    school = facts.project.school
    info = CountyInfo(name=school.county, report_date=school.report_date)
    folder = Path(facts.loaded.root)
    county = County(folder, CountyFile(county=info), Positions(), Roots([folder]))
    cf = CountyFacts(county, facts.policy, facts.boilerplate,
                     [summarize(facts, school.display_name, [])])
    samples: dict[str, Mapping[str, Any]] = {}
    for kind in kinds(Scope.county):
        if kind.records is not None:
            found = next(iter(kind.records(cast(Facts, cf))), None)
            if found is not None:
                samples[kind.key] = found[1]
                continue
        if kind.context is not None:
            samples[kind.key] = kind.context(cast(Facts, cf), None)
    return samples
