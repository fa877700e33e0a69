"""Pure domain rules of PSSM.

Nothing in this package imports Django or performs I/O; it works on plain values and rule
data and is enforced by the import-linter contract in ``pyproject.toml``.
"""
