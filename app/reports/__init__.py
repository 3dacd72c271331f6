"""Printed reports for managers: one content model, rendered to PDF (reportlab) and XLSX."""
