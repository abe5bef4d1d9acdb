"""Reading the files schools already have: 建档立卡 and 学籍 exports, and the 资料.xlsx workbook.

Nothing here imports openpyxl or xlrd until a workbook is actually read.
"""
