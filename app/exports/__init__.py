"""Lists out of Custos: XLSX exports with the viewer's masking already applied."""
