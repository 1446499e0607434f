"""The Excel workbook: live formulas that recompute to the engine (``write_workbook``)."""
