"""Portfolio screening: many parks at once, on this machine's cores or on a Dask cluster.

A bank screening its pipeline of park loans, or a provider comparing candidate parks, appraises
every case with the same Monte Carlo settings and ranks them in one table
(``finmodel screen CASES… --paths N --seed S``).

* :mod:`~finmodel.screening.inputs`: the cases (:func:`collect_cases`): YAML files, folders and
  sheets of parks (one park per row, overriding fields of a template case), every one validated
  exactly as ``finmodel validate`` does before any work is scheduled;
* :mod:`~finmodel.screening.cluster`: the Dask cluster, a local one of this machine's cores or a
  running scheduler;
* :mod:`~finmodel.screening.tasks`: the work on the workers, one task per (case, chunk of paths)
  and one reduce task per case, through the Monte Carlo run API (:mod:`finmodel.risk.run`), so
  each park's numbers are identical to ``appraise(case, paths=N, seed=S)`` whatever the number
  of workers or the chunk size;
* :mod:`~finmodel.screening.run`: :func:`run_screen`, which schedules the tasks, collects the rows
  and ranks the parks (:class:`Screen`);
* :mod:`~finmodel.screening.outputs`: ``screen.json``, ``screen.csv``, ``screen.xlsx`` and
  ``screen.pdf`` (:func:`write_outputs`).
"""
from .inputs import EMPTY, ScreenCase, cell_value, collect_cases, parse_column, read_sheet, set_path
from .outputs import screen_document, write_outputs
from .run import DEFAULT_PATHS, Screen, default_chunk, rank_rows, run_screen

__all__ = ["DEFAULT_PATHS", "EMPTY", "Screen", "ScreenCase", "cell_value", "collect_cases", "default_chunk",
           "parse_column", "rank_rows", "read_sheet", "run_screen", "screen_document", "set_path", "write_outputs"]
