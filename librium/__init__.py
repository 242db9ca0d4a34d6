"""Librium: a personal book catalogue. This package knows nothing of Telegram."""

__version__ = "0.1.0"
