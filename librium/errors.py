"""Domain errors. Their messages are written for people: the bot shows them as they are."""


class LibriumError(Exception):
    """Base class for every error the catalogue raises on purpose."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Invalid(LibriumError):
    """A value breaks a rule (blank title, bad ISBN, year out of range...)."""


class NotFound(LibriumError):
    """The thing asked for does not exist in this library (or was deleted)."""


class Duplicate(LibriumError):
    """The thing would duplicate an existing one."""

    def __init__(self, message: str, existing_ids: list[int] | None = None):
        super().__init__(message)
        self.existing_ids = existing_ids or []


class Forbidden(LibriumError):
    """The user may not act on this library or book."""


class ConfigError(LibriumError):
    """A setting is missing or malformed."""
