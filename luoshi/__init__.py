"""luoshi (落实): from government documents to an accountable ledger of what was decided and promised."""

__version__ = "0.1.0"
