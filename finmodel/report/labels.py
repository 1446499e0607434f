"""Kept only for ``finmodel.screen``, which still imports ``CONTRACTS`` and ``pick`` from here:
the words live in :mod:`finmodel.report.words`.  Delete once the screen imports them from there."""
from .words import CONTRACTS, pick  # noqa: F401
