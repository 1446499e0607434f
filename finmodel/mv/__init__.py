"""Measurement and verification (M&V) of savings from meter data: CalTRACK 2.0's daily and
billing methods, ASHRAE Guideline 14's statistics and the uncertainty of avoided energy.

One job per module: :mod:`.meter` (reading and checking meter and weather data),
:mod:`.sufficiency` (CalTRACK's data-sufficiency rules), :mod:`.weather` (degree days and the
balance-point grid), :mod:`.baseline` (the model search and fit), :mod:`.statistics` (Guideline 14
statistics, uncertainty), :mod:`.settlement` (verified savings per period and payments),
:mod:`.run` (the pipeline), :mod:`.result` (the ``mv`` JSON section), :mod:`.case` (what an M&V
run gives a case), :mod:`.write` (the files of ``finmodel mv``) and :mod:`.synthetic` (data with
known savings, for the tests and the shipped example).
"""
from .meter import Columns
from .result import mv_section
from .run import MvResult, measure
from .settlement import Adjustment, Terms

__all__ = ["Adjustment", "Columns", "MvResult", "Terms", "measure", "mv_section"]
