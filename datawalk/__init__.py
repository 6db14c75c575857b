"""DataWalk: a two-sided data-protection walk of a school (exposure against safeguarding need)."""

__version__ = "0.1.0"
