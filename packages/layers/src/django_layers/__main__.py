"""``python -m django_layers``: the same as the ``django-layers`` command."""

from django_layers.cli import main

raise SystemExit(main())
