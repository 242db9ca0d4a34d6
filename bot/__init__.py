"""The Telegram front end of Librium (python-telegram-bot 22)."""
