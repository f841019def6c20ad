"""The errors django-layers reports as exit status 2: a bad command line or a bad configuration."""

from __future__ import annotations


class LayersError(Exception):
    """Base of every error this package raises on purpose; the CLI prints its message and exits 2."""


class ConfigError(LayersError):
    """The configuration file is missing, is not YAML, or breaks the schema.

    ``str(error)`` reads ``<file>: <key>: <problem>``, e.g. ``layers.yaml: rules.default: unknown value``.
    """

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        super().__init__(f"{file}: {key}: {problem}")


class UsageError(LayersError):
    """A command-line argument names something that cannot be used (a missing root, an unreadable baseline)."""
