# ruff: noqa: E501
"""XLSX readers compared in one run: openpyxl (read-only mode) against python-calamine, on a
register of N rows and on two hostile files (a shared-strings bomb and a sheet with a cell at
XFD1048576), each read in a child process confined like an import's reader
(pssm.imports.sandbox: 1,024 MB of address space beyond its start, 60 s of processor time).
Usage: python bench/reader_bench.py N
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "imports"))

READ = r"""
import json, resource, sys, time
from pssm.imports.sandbox import Limits, confine
confine(Limits(memory_mb=1024, cpu_seconds=60))
reader, path = sys.argv[1], sys.argv[2]
start, rows = time.perf_counter(), 0
try:
    if reader == "calamine":
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_path(path)
        for _row in book.get_sheet_by_index(0).iter_rows():
            rows += 1
    else:
        from openpyxl import load_workbook
        book = load_workbook(path, read_only=True, data_only=True)
        for _row in book.worksheets[0].iter_rows(values_only=True):
            rows += 1
    outcome = "read"
except MemoryError:
    outcome = "MemoryError"
print(json.dumps({"rows": rows, "seconds": time.perf_counter() - start, "outcome": outcome,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def _run(reader: str, path: Path) -> dict:
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", READ, reader, str(path)], capture_output=True, text=True, timeout=600
    )
    if done.returncode == 0:
        return json.loads(done.stdout)
    signal = -done.returncode if done.returncode < 0 else None
    name = {6: "aborted (SIGABRT)", 24: "stopped (SIGXCPU)", 9: "killed"}.get(
        signal, f"exit {done.returncode}"
    )
    return {"rows": 0, "seconds": time.perf_counter() - start, "outcome": name, "peak_mb": None}


def main() -> None:
    rows = int(sys.argv[1])
    from hostile import HEAD_ROW, xlsx
    from openpyxl import Workbook

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        register = tmp / "register.xlsx"
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Registre")
        sheet.append(["N° de série", "Type d'arme", "Emplacement", "Fabricant", "Année"])
        for i in range(rows):
            sheet.append([f"AK-{i:07d}", "AKM", "R01", "Izhmash", 1978])
        book.save(register)
        bomb = xlsx(tmp / "bomb.xlsx", HEAD_ROW, strings_mb=200)
        corner = xlsx(
            tmp / "corner.xlsx",
            HEAD_ROW + '<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>',
            dimension="A1:XFD1048576",
        )
        print(
            "| file                            | size KB | reader    | outcome            |    rows | seconds | rows/s     | peak MB |"
        )
        print(
            "|---------------------------------|---------|-----------|--------------------|---------|---------|------------|---------|"
        )
        timings = {}
        for label, path in (
            (f"register, {rows:,} rows", register),
            ("shared strings, 200 MB unpacked", bomb),
            ("one cell at XFD1048576", corner),
        ):
            for reader in ("openpyxl", "calamine"):
                r = _run(reader, path)
                timings[(label, reader)] = r["seconds"]
                rate = (
                    f"{r['rows'] / r['seconds']:,.0f}"
                    if r["outcome"] == "read" and r["seconds"]
                    else "-"
                )
                print(
                    f"| {label:<31} | {path.stat().st_size // 1024:>7,} | {reader:<9} | {r['outcome']:<18} "
                    f"| {r['rows']:>7,} | {r['seconds']:>7.2f} | {rate:>10} | {r['peak_mb'] if r['peak_mb'] is not None else '-':>7} |"
                )
        first = f"register, {rows:,} rows"
        ratio = timings[(first, "openpyxl")] / timings[(first, "calamine")]
        print(
            f"calamine reads the register {ratio:.1f}× faster than openpyxl (same run, same file)"
        )


if __name__ == "__main__":
    main()
