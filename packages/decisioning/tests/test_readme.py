"""The roadmap's example and the Idempotency-Key examples of the README run as written."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test import RequestFactory

from django_decisioning.models import IdempotencyKey

README = Path(__file__).resolve().parent.parent / "README.md"


def section_blocks(heading: str) -> list[str]:
    text = README.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run(block: str, namespace: dict) -> None:
    exec(compile(block, str(README), "exec"), namespace)


def test_the_readme_has_the_roadmaps_example_and_the_request_examples():
    assert len(section_blocks("The roadmap's example")) == 3
    assert len(section_blocks("Idempotency-Key for HTTP requests")) == 4


@pytest.mark.django_db(transaction=True)
def test_the_roadmaps_example_runs():
    models_block, services_block, usage_block = section_blocks("The roadmap's example")
    # The models block is the models.py of an app: here the test app's, with tables made for the test.
    namespace: dict = {"__name__": "tests.testapp.roadmap_example"}
    run(models_block, namespace)
    defined = [namespace[name] for name in ("MyFact", "UserRole", "Basket")]
    try:
        with connection.schema_editor() as editor:
            for model in defined:
                editor.create_model(model)
        try:
            run(services_block, namespace)
            run(usage_block, namespace)
            assert namespace["MyFact"].objects.get() == namespace["fact"]
            assert IdempotencyKey.objects.get().key == str(namespace["basket"].pk)
        finally:
            with connection.schema_editor() as editor:
                for model in defined:
                    editor.delete_model(model)
    finally:
        for model in defined:
            del apps.all_models["testapp"][model._meta.model_name]
        apps.clear_cache()


@pytest.mark.django_db
def test_the_idempotency_key_examples_run():
    pytest.importorskip("rest_framework")
    view_block, usage_block, decorated_block, plain_block = section_blocks("Idempotency-Key for HTTP requests")
    namespace: dict = {}
    for block in (view_block, usage_block, decorated_block, plain_block):
        run(block, namespace)

    assert namespace["retry"].replayed
    request = RequestFactory().post("/approve/", headers={"Idempotency-Key": "k-1"})
    request.user = namespace["clerk"]
    first, again = namespace["approve"](request), namespace["approve"](request)
    assert (first.status_code, first["Idempotent-Replayed"], again["Idempotent-Replayed"]) == (201, "false", "true")
    assert again.content == b'{"ok": true}'
