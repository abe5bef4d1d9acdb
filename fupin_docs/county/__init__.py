"""The county level: many schools rolled up into the county's report, ledgers and cross-checks.

A county project is a folder with a ``county.yaml`` (the county, its bureau and 学生资助中心,
the school year, its template pack, figures it states) and its schools: sub-folders that are
ordinary school projects, or paths to them inside folders the county names (``roots:``).

- `model`: reading county.yaml and finding the schools, confined to the county's roots;
- `summary`: what the county needs of one school, made from its facts where it loads;
- `facts`: the schools' summaries rolled up (aid by category, households, 控辍保学 …);
- `checks`: the cross-school checks and the stated county figures;
- `report`, `ledger`, `public`, `teachers`, `dropout`: the county's kinds (Scope.county);
- `sheets`: workbooks too large to write cell by cell with openpyxl;
- `build`: loading the schools in parallel, checking, and writing the county's output.
"""

COUNTY_FILE = "county.yaml"
