"""A package's public API importable from its root, without importing models before Django is ready.

``from django_stock import issue`` must work in a view, and ``import django_stock`` must still work in
``settings.py`` or ``apps.py``, before the app registry is ready. A root ``__init__`` therefore names
its services and selectors here and imports each module on first access (PEP 562)::

    # django_stock/__init__.py
    from django_basemodels.exports import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, {"django_stock.services": ["issue", "receive"]})
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(
    package: str, modules: Mapping[str, Iterable[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for the root module ``package`` exporting ``modules``' names lazily.

    ``modules`` maps a module path to the names it exports. A name is imported from its module on
    first access and cached in the package's namespace; an unknown name raises ``AttributeError``
    as for any module. Raises ``ValueError`` when two modules export one name.
    """
    where: dict[str, str] = {}
    for module, names in modules.items():
        for name in names:
            if name in where:
                raise ValueError(f"{package} exports {name!r} from both {where[name]} and {module}.")
            where[name] = module

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(importlib.import_module(package))) | set(where))

    return __getattr__, __dir__
