"""PSSM: Physical Security and Stockpile Management of state-held SALW and ammunition."""

__version__ = "0.1.0"
