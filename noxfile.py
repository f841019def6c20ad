"""The test matrix. Every package is tested alone: its environment holds only it and the siblings it declares.

Sessions::

    nox -s tests                      # every package on SQLite (default interpreter, Django 5.2)
    nox -s tests_postgres             # the same on PostgreSQL (DATABASE_URL, default 127.0.0.1:5432)
    nox -s tests_mariadb              # the same on MariaDB/MySQL (MARIADB_URL, default 127.0.0.1:3306)
    nox -s "tests(package='ledger')"  # one package
    nox -s torture demo demo_postgres demo_mariadb layers lint migrations coverage bench
    nox -s replicas tenants           # PostgreSQL: a hot standby serving reads; django-tenants schemas
    nox -s matrix                     # Django 5.2 on Python 3.10-3.13, Django 6.x on 3.12-3.13
    nox -s guarantees_doc             # rewrite the generated table of docs/guarantees.md
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nox

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent
PACKAGES_DIR = ROOT / "packages"
COVERAGE_DIR = ROOT / ".coverage-data"
REPORTS_DIR = ROOT / ".reports"
DIST_PREFIX = "django-primitives-"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
MARIADB_URL = "mysql://root@127.0.0.1:3306/test"
MYSQL_DRIVERS = {"mysqlclient", "pymysql", "mysql-connector-python"}
MYSQLCLIENT = "mysqlclient>=2.2"
SERVER_URLS = {"postgres": ("DATABASE_URL", POSTGRES_URL), "mariadb": ("MARIADB_URL", MARIADB_URL)}
COVERAGE_GOAL = 95
DJANGO_DEFAULT = "Django>=5.2,<6"
PYTEST = ["python", "-m", "pytest", "-p", "no:cacheprovider"]
COVERAGE_PYTEST = ["python", "-m", "coverage", "run", "-m", "pytest", "-p", "no:cacheprovider"]
DJANGO_SPECS = {"5.2": "Django>=5.2,<6", "6": "Django>=6.0,<7"}

nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["tests", "torture", "demo", "layers", "lint", "migrations"]

# pyenv keeps interpreters outside PATH unless selected; let uv and nox find every installed version.
_pyenv_versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
if _pyenv_versions.is_dir():
    extra = [str(p / "bin") for p in sorted(_pyenv_versions.glob("3.1*")) if (p / "bin").is_dir()]
    os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", ""), *extra])


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower()


def _read_packages() -> dict[str, dict]:
    """short name -> {dist, module, deps (short names of declared siblings), dir}"""
    found: dict[str, dict] = {}
    by_dist: dict[str, str] = {}
    for pyproject in sorted(PACKAGES_DIR.glob("*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text())["project"]
        short = pyproject.parent.name
        found[short] = {
            "dir": pyproject.parent,
            "dist": project["name"],
            "module": "django_" + project["name"].removeprefix(DIST_PREFIX).replace("-", "_"),
            "requires": [_requirement_name(dep) for dep in project.get("dependencies", [])],
            "test": project.get("optional-dependencies", {}).get("test", []),
        }
        by_dist[project["name"].lower()] = short
    for info in found.values():
        info["deps"] = [by_dist[name] for name in info["requires"] if name in by_dist]
    return found


PACKAGES = _read_packages()
PACKAGE_NAMES = list(PACKAGES)


def sibling_closure(short: str) -> list[str]:
    """The package and every sibling it declares, directly or through another sibling."""
    seen: list[str] = []
    pending = [short]
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.append(name)
            pending.extend(PACKAGES[name]["deps"])
    return seen


def refresh_args(shorts: list[str]) -> list[str]:
    """uv caches a local directory's wheel until its pyproject.toml changes: rebuild ours every time."""
    return [arg for name in shorts for arg in ("--refresh-package", PACKAGES[name]["dist"])]


def install_package(session: nox.Session, short: str, django: str = DJANGO_DEFAULT, database: str = "sqlite") -> None:
    """Install one package with its test extra; its siblings come from this checkout, never from PyPI.

    The MySQL driver of the test extra (mysqlclient, which compiles against libmariadb-dev) is installed
    for the MariaDB runs only, so the SQLite and PostgreSQL runs need nothing beyond Python.
    """
    closure = sibling_closure(short)
    siblings = [str(PACKAGES[name]["dir"]) for name in closure if name != short]
    info = PACKAGES[short]
    if database == "mariadb":
        session.install(*refresh_args(closure), f"{info['dir']}[test]", *siblings, django)
        return
    tools = [dep for dep in info["test"] if _requirement_name(dep) not in MYSQL_DRIVERS]
    session.install(*refresh_args(closure), str(info["dir"]), *tools, *siblings, django)


def database_url(database: str) -> str:
    """The URL of ``database`` ("sqlite", "postgres" or "mariadb"): the environment's, or this machine's server."""
    if database == "sqlite":
        return ""
    variable, default = SERVER_URLS[database]
    return os.environ.get(variable) or default


def run_package_tests(session: nox.Session, short: str, database: str) -> None:
    COVERAGE_DIR.mkdir(exist_ok=True)
    REPORTS_DIR.mkdir(exist_ok=True)
    url = database_url(database)
    tag = f"{short}.{database}.py{session.python or 'default'}"
    session.chdir(PACKAGES[short]["dir"])
    session.run(
        *COVERAGE_PYTEST,
        f"--junitxml={REPORTS_DIR / (tag + '.xml')}",
        *session.posargs,
        env={"DATABASE_URL": url, "COVERAGE_FILE": str(COVERAGE_DIR / f"{short}.{database}")},
    )


@nox.session
@nox.parametrize("package", PACKAGE_NAMES)
def tests(session: nox.Session, package: str) -> None:
    """A package's tests on SQLite, installed alone."""
    install_package(session, package)
    run_package_tests(session, package, "sqlite")


@nox.session
@nox.parametrize("package", PACKAGE_NAMES)
def tests_postgres(session: nox.Session, package: str) -> None:
    """A package's tests on PostgreSQL (one test database per package, made and dropped by the runner)."""
    install_package(session, package)
    run_package_tests(session, package, "postgres")


@nox.session
@nox.parametrize("package", PACKAGE_NAMES)
def tests_mariadb(session: nox.Session, package: str) -> None:
    """A package's tests on MariaDB/MySQL (MARIADB_URL, default 127.0.0.1:3306; one test database per package)."""
    install_package(session, package, database="mariadb")
    run_package_tests(session, package, "mariadb")


@nox.session(python=["3.10", "3.11", "3.12", "3.13"])
@nox.parametrize("django", list(DJANGO_SPECS))
@nox.parametrize("package", PACKAGE_NAMES)
def matrix(session: nox.Session, django: str, package: str) -> None:
    """Django 5.2 LTS on Python 3.10-3.13 and Django 6.x on Python 3.12-3.13."""
    if django == "6" and session.python in ("3.10", "3.11"):
        session.skip("Django 6 needs Python 3.12 or newer")
    install_package(session, package, DJANGO_SPECS[django])
    run_package_tests(session, package, "postgres" if os.environ.get("DATABASE_URL") else "sqlite")


@nox.session
def coverage(session: nox.Session) -> None:
    """Fail when a package's tests (its SQLite, PostgreSQL and MariaDB runs together) cover under 95% of it."""
    session.install("coverage[toml]>=7.4")
    short_of_goal = []
    for short, info in PACKAGES.items():
        runs = (".sqlite", ".postgres", ".mariadb")
        data = sorted(str(p) for p in COVERAGE_DIR.glob(f"{short}.*") if p.suffix in runs)
        if not data:
            session.warn(f"{short}: no coverage data (run the tests sessions first)")
            short_of_goal.append(short)
            continue
        session.chdir(info["dir"])
        combined = str(COVERAGE_DIR / f"{short}.combined")
        session.run("coverage", "combine", "--keep", "--quiet", f"--data-file={combined}", *data)
        total = session.run("coverage", "report", f"--data-file={combined}", "--format=total", silent=True)
        session.log(f"coverage of {info['module']}: {total.strip()}%")
        if float(total) < COVERAGE_GOAL:
            short_of_goal.append(f"{short} ({total.strip()}%)")
    session.chdir(ROOT)
    if short_of_goal:
        session.error(f"coverage under {COVERAGE_GOAL}%: {', '.join(short_of_goal)}")


@nox.session
def torture(session: nox.Session) -> None:
    """The framework torture suite (tests/torture/): every decision surface under Retry, Backdate, ... ."""
    if not (ROOT / "tests" / "torture").is_dir():
        session.skip("tests/torture/ does not exist yet")
    database = os.environ.get("TORTURE_DATABASE_URL", "")
    session.install("-e", f"{ROOT}[dev]", *([MYSQLCLIENT] if database.startswith("mysql") else []))
    tag = database.split(":")[0] if database else "sqlite"
    REPORTS_DIR.mkdir(exist_ok=True)
    session.run(
        *PYTEST,
        str(ROOT / "tests" / "torture"),
        f"--junitxml={REPORTS_DIR / f'torture.{tag}.xml'}",
        *session.posargs,
        env={"DATABASE_URL": database},
    )


@nox.session
def layers(session: nox.Session) -> None:
    """The repository's own layer check: no package imports a higher tier or an undeclared sibling."""
    if "layers" not in PACKAGES:
        session.skip("packages/layers does not exist yet")
    session.install(str(PACKAGES["layers"]["dir"]))
    session.run("django-layers", "check", "--config", str(ROOT / "layers.yaml"), "--root", str(ROOT))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", str(ROOT))
    session.run("ruff", "format", "--check", str(ROOT))


@nox.session
def conventions(session: nox.Session) -> None:
    """tests/conventions/: every package's public services follow the one service convention."""
    session.install("-e", f"{ROOT}[dev]")
    session.run(
        *PYTEST,
        str(ROOT / "tests" / "conventions"),
        "--ds=example_site.settings",
        *session.posargs,
        env={"PYTHONPATH": str(ROOT / "example_site"), "DJANGO_DEBUG": "1", "DATABASE_URL": ""},
    )


DJANGO_TENANTS = "django-tenants>=3.7"


def run_server_suite(session: nox.Session, suite: str, *extra: str) -> None:
    """Run tests/<suite>/ (its own settings and databases: pytest-django off) with a junit report."""
    REPORTS_DIR.mkdir(exist_ok=True)
    session.run(
        *PYTEST,
        "-p",
        "no:django",
        "-W",
        "ignore::pytest.PytestConfigWarning",
        str(ROOT / "tests" / suite),
        f"--junitxml={REPORTS_DIR / f'{suite}.postgres.xml'}",
        *session.posargs,
        env={"DATABASE_URL": ""},
    )


@nox.session
def replicas(session: nox.Session) -> None:
    """tests/replicas/: a hot standby of the local PostgreSQL (pg_basebackup, port 5433) serves the reads."""
    session.install("-e", f"{ROOT}[dev]")
    run_server_suite(session, "replicas")  # its conftest starts the standby, and stops it after if it started it


@nox.session
def tenants(session: nox.Session) -> None:
    """tests/tenants/: every package migrated into two django-tenants schemas on the local PostgreSQL."""
    session.install("-e", f"{ROOT}[dev]", DJANGO_TENANTS)
    run_server_suite(session, "tenants")


TYPECHECK = ["mypy>=1.13", "django-stubs>=5.2", "djangorestframework-stubs>=3.15"]
SITE_MODULES = ["example_site", "api", "clinic", "accounts"]


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy with django-stubs over every package's source and the example site ([tool.mypy])."""
    session.install("-e", f"{ROOT}[dev]", *TYPECHECK)
    mypy_path = [str(info["dir"] / "src") for info in PACKAGES.values()] + [str(ROOT / "example_site")]
    modules = [info["module"] for info in PACKAGES.values()] + SITE_MODULES
    session.run(
        "mypy",
        *(f"-p{module}" for module in modules),
        *session.posargs,
        env={"MYPYPATH": os.pathsep.join(mypy_path), "DJANGO_DEBUG": "1", "DATABASE_URL": ""},
    )


@nox.session
def migrations(session: nox.Session) -> None:
    """Every package's models match its migrations (makemigrations --check --dry-run)."""
    every = [str(info["dir"]) for info in PACKAGES.values()]
    session.install(*refresh_args(PACKAGE_NAMES), *every, "dj-database-url", DJANGO_DEFAULT)
    for info in PACKAGES.values():
        if not (info["dir"] / "src" / info["module"] / "migrations").is_dir():
            continue
        session.chdir(info["dir"])
        session.run(
            *f"python -m django makemigrations {info['module']} --check --dry-run".split(),
            env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(info["dir"]), "DATABASE_URL": ""},
        )
    session.chdir(ROOT)


@nox.session
def demo(session: nox.Session) -> None:
    """The example site on SQLite: checks, migrations on a scratch file, seed_demo twice, then its tests."""
    session.install("-e", f"{ROOT}[dev]")
    scratch = Path(session.create_tmp()) / "demo.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{scratch}", "DJANGO_DEBUG": "1"}
    manage = str(ROOT / "example_site" / "manage.py")
    # Warnings fail too: among them django_basemodels.W020, a natural key still unique per database.
    session.run("python", manage, "check", "--fail-level", "WARNING", env=env)
    session.run("python", manage, "migrate", "--noinput", env=env)
    # Every declared database guarantee is installed by the migrations (django_basemodels.E011 otherwise).
    session.run("python", manage, "check", "--database", "default", "--fail-level", "ERROR", env=env)
    check_guarantees_doc(session, env)
    session.run("python", manage, "seed_demo", env=env)
    session.run("python", manage, "seed_demo", env=env)
    run_site_tests(session, "")


@nox.session
def demo_postgres(session: nox.Session) -> None:
    """The example site's tests on PostgreSQL (DATABASE_URL, default 127.0.0.1:5432)."""
    session.install("-e", f"{ROOT}[dev]")
    run_site_tests(session, database_url("postgres"))


@nox.session
def demo_mariadb(session: nox.Session) -> None:
    """The example site's tests on MariaDB/MySQL (MARIADB_URL, default 127.0.0.1:3306)."""
    session.install("-e", f"{ROOT}[dev]", MYSQLCLIENT)
    run_site_tests(session, database_url("mariadb"))


GUARANTEES_DOC = ROOT / "docs" / "guarantees.md"
GENERATED_START = "<!-- generated by `nox -s guarantees_doc`: do not edit below -->"


def generated_guarantees_doc(session: nox.Session, env: dict[str, str]) -> str:
    """docs/guarantees.md with its table made anew from the declarations of every installed package."""
    table = session.run("python", str(ROOT / "example_site" / "manage.py"), "guarantees", "doc", env=env, silent=True)
    text = GUARANTEES_DOC.read_text()
    head = text.split(GENERATED_START)[0]
    return f"{head}{GENERATED_START}\n\n{table.strip()}\n"


def check_guarantees_doc(session: nox.Session, env: dict[str, str]) -> None:
    if generated_guarantees_doc(session, env) != GUARANTEES_DOC.read_text():
        session.error("docs/guarantees.md differs from the declarations: run `python3 dev.py nox -s guarantees_doc`")


@nox.session
def guarantees_doc(session: nox.Session) -> None:
    """Rewrite the table of docs/guarantees.md from the packages' Meta.guarantees."""
    session.install("-e", f"{ROOT}[dev]")
    scratch = Path(session.create_tmp()) / "doc.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{scratch}", "DJANGO_DEBUG": "1"}
    GUARANTEES_DOC.write_text(generated_guarantees_doc(session, env))


def run_site_tests(session: nox.Session, database_url: str) -> None:
    REPORTS_DIR.mkdir(exist_ok=True)
    tag = database_url.split(":")[0] if database_url else "sqlite"
    session.chdir(ROOT / "example_site")
    session.run(
        *PYTEST,
        f"--junitxml={REPORTS_DIR / f'example_site.{tag}.xml'}",
        *session.posargs,
        env={"DATABASE_URL": database_url},
    )
    session.chdir(ROOT)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks beside the peer packages; rewrites docs/benchmarks.md."""
    runner = ROOT / "benchmarks" / "run.py"
    if not runner.exists():
        session.skip("benchmarks/run.py does not exist yet")
    mariadb = os.environ.get("MARIADB_URL", "").startswith("mysql")
    requirements = ["-r", str(ROOT / "benchmarks" / "requirements.txt"), *([MYSQLCLIENT] if mariadb else [])]
    session.install("-e", f"{ROOT}[dev]", *requirements)
    session.run("python", str(runner), *session.posargs)
