"""Months in URLs and query strings (``YYYY-MM``), parsed in one place for the API and the pages.

A page shows the month before and after, and the budget reads up to the first day of the next
month, so the months that can be named are 0002-01 to 9998-12: Python's dates end at 0001 and 9999.
"""

from __future__ import annotations

import datetime as dt
import re

FIRST_MONTH = dt.date(2, 1, 1)
LAST_MONTH = dt.date(9998, 12, 1)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str) -> dt.date:
    """The first day of the month ``"YYYY-MM"``; ``ValueError`` for anything else or outside the range."""
    match = _MONTH.fullmatch(text) if isinstance(text, str) else None
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{text!r} is not a month such as 2026-01.")
    month = dt.date(int(match[1]), int(match[2]), 1) if int(match[1]) >= 1 else None
    if month is None or not FIRST_MONTH <= month <= LAST_MONTH:
        raise ValueError("Give a month from 0002-01 to 9998-12.")
    return month
