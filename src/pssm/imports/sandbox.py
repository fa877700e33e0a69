"""Reading an uploaded file where it cannot hurt the server: in a child process with limits.

A spreadsheet can be built to exhaust whoever reads it: a table of shared strings that
unpacks to gigabytes, a declared sheet of sixteen billion cells. The readers refuse what they
can see coming (:mod:`pssm.imports.readers`); for the rest, every file an import reads is read
in a child process whose address space and processor time are capped with
``resource.setrlimit`` (:func:`confine`). A file that goes over fails there with a clear,
translated error, and the web worker or the import that asked is untouched.

:func:`open_table` is :func:`pssm.imports.readers.open_table` run that way: the child finds
the header row and sends the rows in batches; ``first_rows`` stops it after a preview. The
weapons import has its own reading process (:func:`pssm.imports.parsing.produce`), confined
in the same way. This module does not import Django (the child imports it): the limits
configured for the node come from :func:`pssm.imports.jobs.node_limits`.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import signal
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pssm.domain.errors import PssmError, Text, gettext_noop

from . import columns, readers

START_METHOD = "spawn"
BATCH = 500
WAIT = 1.0  # seconds between two looks at whether the other process is still there

OUT_OF_MEMORY = gettext_noop(
    "Reading this file needs more than the %(limit)s MB of memory an import may use: it is "
    "damaged or built to exhaust the server. Nothing was imported."
)
OUT_OF_TIME = gettext_noop(
    "Reading this file took more than the %(limit)s seconds of processor time an import may "
    "use. Nothing more was read; split the file if it is really that large."
)


@dataclass(frozen=True)
class Limits:
    """What the reading process may use: address space beyond what it holds at the start,
    processor seconds, and seconds the asking process waits for a preview."""

    memory_mb: int = 1024
    cpu_seconds: int = 3600
    wall_seconds: int = 120


def _address_space() -> int:
    """Bytes of address space this process holds now (VmSize)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class OutOfTime(Exception):
    """Raised in a confined process when its processor time is up (SIGXCPU)."""


def _out_of_time(signum, frame):
    signal.signal(signal.SIGXCPU, signal.SIG_IGN)  # once: the hard limit follows in 5 s
    raise OutOfTime()


def confine(limits: Limits) -> None:
    """Cap this (child) process: ``limits.memory_mb`` more address space than it holds now,
    ``limits.cpu_seconds`` of processor time. At the end of its time the process gets
    SIGXCPU, raised here as :class:`OutOfTime` so that it reports the reason with whole
    messages (a process killed while writing would leave half a message in the pipe); five
    seconds later the kernel ends it."""
    memory = _address_space() + (limits.memory_mb << 20)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    signal.signal(signal.SIGXCPU, _out_of_time)


def failure(exc: BaseException, limits: Limits) -> tuple[str, str, dict]:
    """The message a reading process sends for ``exc``: ``("failed", template, params)``
    for a reason the user can act on, ``("crashed", traceback, {})`` for a fault of ours."""
    if isinstance(exc, MemoryError):
        return "failed", OUT_OF_MEMORY, {"limit": limits.memory_mb}
    if isinstance(exc, OutOfTime):
        return "failed", OUT_OF_TIME, {"limit": limits.cpu_seconds}
    if isinstance(exc, PssmError):
        return "failed", exc.message_template, exc.params
    return "crashed", "".join(traceback.format_exception(exc)), {}


def stopped(exitcode: int | None, limits: Limits) -> readers.FileError | None:
    """The error to show for a reading process that ended with ``exitcode`` without saying
    why, when its limits explain it (None otherwise)."""
    if exitcode == -signal.SIGXCPU:
        return readers.FileError(OUT_OF_TIME, params={"limit": limits.cpu_seconds})
    if exitcode in (-signal.SIGABRT, -signal.SIGSEGV):
        # A native reader (python-calamine) that cannot allocate aborts.
        return readers.FileError(OUT_OF_MEMORY, params={"limit": limits.memory_mb})
    return None


def killed(process) -> bool:
    """Whether ``process`` ended by a signal: what it was writing may be cut in the middle,
    so its pipe is not read any more."""
    return process.exitcode is not None and process.exitcode < 0


def put(out, item, parent: int, wait: float = WAIT) -> None:
    """Put ``item`` on ``out`` for process ``parent``, looking every ``wait`` seconds whether
    it is still there; when it is gone, nobody will read the pipe: exit without waiting."""
    while True:
        try:
            out.put(item, timeout=wait)
            return
        except queue.Full:
            if os.getppid() != parent:
                getattr(out, "cancel_join_thread", lambda: None)()
                raise SystemExit(1) from None


def _read(path: str, kind: str, limits: Limits, first_rows, out, parent: int) -> None:
    """The child: open the table, send its head, then its rows in batches."""
    confine(limits)
    try:
        table = readers.open_table(Path(path), columns.recogniser(kind))
        put(out, ("head", table.headers, table.header_row, table.kind, table.size_bytes), parent)
        batch = []
        for sent, (number, cells) in enumerate(table.rows):
            if first_rows is not None and sent >= first_rows:
                break
            batch.append((number, cells))
            if len(batch) >= BATCH:
                put(out, ("rows", batch, table.progress.get("bytes", 0)), parent)
                batch = []
        put(out, ("rows", batch, table.progress.get("bytes", 0)), parent)
        put(out, ("end",), parent)
    except BaseException as exc:  # noqa: BLE001 - every ending is reported to the parent
        if isinstance(exc, SystemExit):
            raise
        put(out, failure(exc, limits), parent)


class _Child:
    def __init__(self, path, kind, limits: Limits, first_rows):
        context = multiprocessing.get_context(START_METHOD)
        self.limits = limits
        self.out = context.Queue(maxsize=8)
        self.process = context.Process(
            target=_read,
            args=(str(path), kind, limits, first_rows, self.out, os.getpid()),
            name="pssm-import-reader",
            daemon=True,
        )
        self.process.start()

    def receive(self, deadline: float | None = None):
        waited = 0.0
        while True:
            try:
                message = self.out.get(timeout=WAIT)
            except queue.Empty:
                waited += WAIT
                if self.process.is_alive() and (deadline is None or waited < deadline):
                    continue
                if killed(self.process):
                    self.close()
                    raise self.ended() from None
                try:
                    message = self.out.get(timeout=WAIT)
                except queue.Empty:
                    self.close()
                    raise self.ended() from None
            if message[0] == "failed":
                self.close()
                raise readers.FileError(message[1], params=message[2])
            if message[0] == "crashed":
                self.close()
                raise readers.FileError(
                    gettext_noop("This file cannot be read (%(problem)s)."),
                    params={"problem": message[1].strip().splitlines()[-1][:200]},
                )
            return message

    def ended(self) -> readers.FileError:
        known = stopped(self.process.exitcode, self.limits)
        if known:
            return known
        if self.process.exitcode is None:
            return readers.FileError(OUT_OF_TIME, params={"limit": self.limits.wall_seconds})
        return readers.FileError(
            gettext_noop("The reading process stopped (%(reason)s)."),
            params={"reason": Text(gettext_noop("exit code %(code)s"), code=self.process.exitcode)},
        )

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.out.close()


def open_table(path, kind: str, limits: Limits, *, first_rows: int | None = None):
    """:func:`pssm.imports.readers.open_table` for an import of ``kind``, read in a confined
    child process; ``first_rows`` reads only that many data rows (a preview). Raises
    :class:`pssm.imports.readers.FileError` for every file it cannot read, limits included."""
    child = _Child(path, kind, limits, first_rows)
    try:
        _head, headers, header_row, table_kind, size = child.receive(limits.wall_seconds)
    except BaseException:
        child.close()
        raise
    if first_rows == 0:  # the head alone: the reading process is not needed any more
        child.close()
        return readers.Table(headers, header_row, iter(()), table_kind, size, {"bytes": 0})
    progress = {"bytes": 0, "rows": 0}

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            while True:
                message = child.receive()
                if message[0] == "end":
                    return
                _rows, batch, read = message
                progress["bytes"] = read
                for item in batch:
                    progress["rows"] += 1
                    yield item
        finally:
            child.close()

    return readers.Table(headers, header_row, rows(), table_kind, size, progress)


def preview(path, kind: str, limits: Limits, rows: int = 10) -> dict:
    """The headers and first ``rows`` data rows of ``path``, as kept on an import job."""
    table = open_table(path, kind, limits, first_rows=rows)
    return {
        "headers": table.headers,
        "header_row": table.header_row,
        "kind": table.kind,
        "size_bytes": table.size_bytes,
        "rows": [[number, cells] for number, cells in table.rows],
    }
