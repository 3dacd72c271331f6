"""Spreadsheets into the records: reading real branch workbooks, mapping, validating, importing."""
