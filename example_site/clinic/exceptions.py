"""Refusals of the clinic's own services (the packages raise theirs)."""


class ClinicError(Exception):
    """Base of the clinic's errors."""


class NotDispensable(ClinicError):
    """The work item is not a medicine, is closed, or names no stock item."""


class VisitNotBillable(ClinicError):
    """The visit is not waiting for billing, or holds nothing with a price."""


class AlreadyInvoiced(ClinicError):
    """The visit has an invoice already."""
