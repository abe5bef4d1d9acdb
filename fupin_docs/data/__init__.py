"""Reading a school's data: YAML with positions, rosters, inherit, packs, model and validation.

Nothing here imports python-docx, openpyxl (but for reading a workbook) or Click.
"""
