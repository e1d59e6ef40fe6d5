"""Ensemble Studio: writes whole songs from a short prompt and lets a person shape them."""

__version__ = "0.1.0"
