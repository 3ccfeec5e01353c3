"""openpas: an open Process Automation Server."""

__version__ = "0.1.0"
