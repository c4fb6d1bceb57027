"""Errors raised by generation."""

from accounts.errors import AtelierError


class UnknownGenerator(AtelierError):
    code = "unknown_generator"


class GenerationFailed(AtelierError):
    status = 500
    code = "generation_failed"
