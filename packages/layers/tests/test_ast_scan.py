"""The full ast walk: what counts as a reference, and of which kind."""

from __future__ import annotations

import textwrap

import pytest

from django_layers.ast_scan import find_app_labels, scan_source
from django_layers.references import Reference


def scan(source: str) -> list[Reference]:
    return sorted(scan_source(textwrap.dedent(source)))


def test_import_statements_name_each_module():
    assert scan("import a.b, c as d\n") == [Reference(1, "import", "a.b"), Reference(1, "import", "c")]


def test_from_import_keeps_the_module_and_the_names():
    assert scan("from a.b import c, d as e\n") == [Reference(1, "import", "a.b", 0, ("c", "d"))]


def test_relative_imports_keep_their_level():
    assert scan("from .. import x\nfrom .m import y\n") == [
        Reference(1, "import", "", 2, ("x",)),
        Reference(2, "import", "m", 1, ("y",)),
    ]


def test_imports_inside_functions_and_classes_are_found():
    source = """
        def f():
            import a

        class C:
            def g(self):
                from b import c
    """
    assert [(r.line, r.module) for r in scan(source)] == [(3, "a"), (7, "b")]


def test_type_checking_imports_have_their_own_kind():
    source = """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import a
        else:
            import b
    """
    kinds = {r.module: r.kind for r in scan(source)}
    assert kinds == {"typing": "import", "a": "type-checking-import", "b": "import"}


def test_typing_dot_type_checking_counts_too():
    assert scan("import typing\nif typing.TYPE_CHECKING:\n    import a\n")[1].kind == "type-checking-import"


def test_other_conditions_are_plain_imports():
    assert scan("if DEBUG:\n    import a\n")[0].kind == "import"


def test_import_module_with_a_literal_is_a_dynamic_import():
    assert scan("import importlib\nimportlib.import_module('a.b')\n")[1] == Reference(2, "dynamic-import", "a.b")


def test_relative_import_module_resolves_against_a_literal_package():
    assert scan("import_module('..c', 'a.b')\nimport_module('.c', package='a')\n") == [
        Reference(1, "dynamic-import", "a.c"),
        Reference(2, "dynamic-import", "a.c"),
    ]


def test_relative_import_module_without_a_literal_package_keeps_its_level():
    assert scan("import_module('.c', __package__)\n") == [Reference(1, "dynamic-import", "c", 1)]


def test_dunder_import_is_a_dynamic_import_with_its_level():
    assert scan("__import__('a.b')\n__import__('c', globals(), locals(), [], 1)\n") == [
        Reference(1, "dynamic-import", "a.b"),
        Reference(2, "dynamic-import", "c", 1),
    ]


def test_dynamic_imports_of_computed_names_are_not_references():
    assert scan("import_module(name)\n__import__(f'x{y}')\nimport_module('')\nimport_module(*args)\n") == []


@pytest.mark.parametrize(
    "call",
    [
        'models.ForeignKey("ledger.Account", on_delete=models.CASCADE)',
        'ForeignKey(to="ledger.Account", on_delete=models.CASCADE)',
        'models.OneToOneField("ledger.Account", on_delete=models.CASCADE)',
        'models.ManyToManyField("ledger.Account")',
    ],
)
def test_lazy_model_fields_reference_the_app_label(call: str):
    assert scan(f"x = {call}\n") == [Reference(1, "model-field", "ledger", 0, ("Account",))]


def test_many_to_many_through_models_are_references_too():
    source = 'tags = models.ManyToManyField("tags.Tag", through="links.Link")\n'
    assert [r.module for r in scan(source)] == ["links", "tags"]


def test_lazy_references_without_an_app_label_are_not_references():
    assert scan('a = ForeignKey("self")\nb = ForeignKey("Account")\nc = ForeignKey(Account)\n') == []


def test_get_model_with_label_and_name():
    assert scan('apps.get_model("ledger", "Account")\n') == [Reference(1, "get-model", "ledger", 0, ("Account",))]


def test_get_model_with_a_dotted_reference():
    assert scan('apps.get_model("ledger.Account")\n') == [Reference(1, "get-model", "ledger", 0, ("Account",))]


def test_get_model_with_keywords():
    assert scan('get_model(app_label="ledger", model_name="Account")\n')[0].module == "ledger"


def test_get_model_of_a_variable_is_not_a_reference():
    assert scan("apps.get_model(label)\napps.get_model('nodot')\n") == []


def test_swappable_setting_defaults_are_references():
    source = 'MODEL = getattr(settings, "LEDGER_ACCOUNT_MODEL", "ledger.Account")\n'
    assert scan(source) == [Reference(1, "swappable-default", "ledger", 0, ("Account",))]


def test_swappable_defaults_read_from_a_settings_attribute_count_too():
    assert scan('getattr(django.conf.settings, "X", "ledger.Account")\n')[0].module == "ledger"


def test_getattr_on_other_objects_is_not_a_reference():
    assert scan('getattr(obj, "name", "a.b")\ngetattr(settings, "X")\ngetattr(settings, "X", default="a.B")\n') == []


def test_the_line_of_a_call_reference_is_the_line_of_its_string():
    source = 'account = models.ForeignKey(\n    "ledger.Account",\n    on_delete=models.CASCADE,\n)\n'
    assert scan(source)[0].line == 2


def test_calls_of_other_functions_are_not_references():
    assert scan("print('ledger.Account')\n(lambda: 1)()\n") == []


def test_app_labels_come_from_label_or_the_end_of_name():
    source = """
        from django.apps import AppConfig
        class First(AppConfig):
            name = "pkg.first"
        class Second(apps.AppConfig):
            name = "pkg.second"
            label: str = "custom"
        class NotAnApp(Base):
            name = "pkg.third"
        class Nameless(AppConfig):
            verbose_name = "no name"
            default = True
    """
    assert find_app_labels(textwrap.dedent(source)) == ["first", "custom"]
