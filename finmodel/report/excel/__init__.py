"""The Excel workbook: live formulas that recompute to the engine (:func:`.workbook.write_workbook`)."""
