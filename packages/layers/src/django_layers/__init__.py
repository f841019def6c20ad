"""Enforce import layers, declared dependencies and independence between the packages of a repository,
including the dependencies Python tools cannot see: Django's lazy model references.

    from pathlib import Path
    from django_layers import load_config, run_check

    result = run_check(load_config("layers.yaml"), Path("."))
    for violation in result.new:
        print(violation.path, violation.line, violation.rule, violation.message)

The command line is ``django-layers check --config layers.yaml --root .`` (see :mod:`django_layers.cli`).
"""

__version__ = "0.1.0"

from django_layers.check import CheckResult, run_check
from django_layers.config import Config, load_config, parse_config
from django_layers.errors import ConfigError, LayersError, UsageError
from django_layers.violations import Violation

__all__ = [
    "CheckResult",
    "Config",
    "ConfigError",
    "LayersError",
    "UsageError",
    "Violation",
    "__version__",
    "load_config",
    "parse_config",
    "run_check",
]
