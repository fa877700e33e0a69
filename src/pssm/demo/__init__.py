"""The demonstration data loaded by `pssm demo` (and `make demo`), through the real services."""
