"""What a chart needs before it is worth drawing. No matplotlib here: the bot imports this at start-up."""

from librium.errors import LibriumError

MIN_BOOKS = 3  # a collection breakdown of fewer books is not worth a picture


class EmptyStats(LibriumError):
    """There is too little data for a chart; ``message`` is a friendly sentence to send instead."""
