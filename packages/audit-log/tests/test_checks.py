import pytest

from django_audit_log.checks import check_settings


def test_default_settings_pass():
    assert check_settings() == []


@pytest.mark.parametrize("value", ["password", ["password", 3], 5])
def test_redact_fields_must_be_a_list_of_names(settings, value):
    settings.AUDIT_LOG_REDACT_FIELDS = value
    assert [m.id for m in check_settings()] == ["django_audit_log.E001"]


def test_redact_fields_without_password_warn(settings):
    settings.AUDIT_LOG_REDACT_FIELDS = ["iban"]
    assert [m.id for m in check_settings()] == ["django_audit_log.W001"]


def test_hash_chain_must_be_a_boolean(settings):
    settings.AUDIT_LOG_HASH_CHAIN = "yes"
    assert [m.id for m in check_settings()] == ["django_audit_log.E002"]


@pytest.mark.parametrize("value", ["X Request ID", "", None])
def test_request_id_header_must_be_a_header_name(settings, value):
    settings.AUDIT_LOG_REQUEST_ID_HEADER = value
    assert [m.id for m in check_settings()] == ["django_audit_log.E003"]


@pytest.mark.parametrize("value", ["X-Forwarded-For", "", 1])
def test_ip_header_must_be_a_meta_key(settings, value):
    settings.AUDIT_LOG_IP_HEADER = value
    assert [m.id for m in check_settings()] == ["django_audit_log.E004"]


@pytest.mark.parametrize("value", [0, -1, "1", True])
def test_proxy_count_must_be_a_positive_integer(settings, value):
    settings.AUDIT_LOG_PROXY_COUNT = value
    assert [m.id for m in check_settings()] == ["django_audit_log.E005"]


def test_naive_datetimes_warn(settings):
    settings.USE_TZ = False
    assert [m.id for m in check_settings()] == ["django_audit_log.W002"]
