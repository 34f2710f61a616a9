"""finder: find files by meaning, offline."""

__version__ = "0.1.0"
