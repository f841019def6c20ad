"""Settings of the site's own tests: the production settings (DEBUG off), with a key and plain HTTP.

The test client speaks plain HTTP to ``testserver``, so the redirect to HTTPS is off; everything
else is what production runs. ``DATABASE_URL`` picks the database as in production.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-9f4c2a7e1b8d6f3a0c5e2b9d7a4f1c8e6b3d0a7f4c1e8b5d2a9f6c3e0b7d4a1")
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"

from example_site.settings import *  # noqa: F403
