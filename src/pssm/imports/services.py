"""Imports of legacy registers: weapons by serial and ammunition by lot, from CSV or XLSX.

Rows are read as a stream, validated one by one (every problem names the row, the column and
what is wrong), and the valid ones are committed in chunks: each chunk is one transaction that
writes the records, one posted receipt voucher with a line per weapon or lot, and one journal
entry, and moves the job's last committed row. A killed process or a lost connection loses at
most the chunk in flight, which is rolled back whole; running the same file again resumes
after the last committed row (and, for weapons, skips every serial already at the site).

The work is split by responsibility: :mod:`.jobs` (the job, its outcome and report),
:mod:`.weapons` and :mod:`.ammunition` (each kind of register), :mod:`.parsing` and
:mod:`.readers` (reading, in a process of their own for weapons); the writes go through the
movement engine (:mod:`pssm.movements.bulk`, :mod:`pssm.movements.lotpost`).
"""

from .ammunition import ammunition_import
from .jobs import CHUNK, Outcome, ReadingStopped, file_sha256
from .weapons import weapons_import

__all__ = [
    "CHUNK",
    "Outcome",
    "ReadingStopped",
    "ammunition_import",
    "file_sha256",
    "weapons_import",
]
