"""Which organization a request is for: the site serves one clinic, named in ``ClinicSettings``.

``MODULES_ORG_RESOLVER`` points here, so django-modules' guards (``ModuleRequired``) switch the
clinic's modules (pharmacy, billing, ...) on and off. A multi-clinic site would read the
organization from the host name or the user instead.
"""

from clinic.models import ClinicSettings


def clinic_of_request(request):
    return ClinicSettings.get_instance().organization
