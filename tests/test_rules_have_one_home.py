"""Every rule has one home (issue 13, point 2): rules live in the rules packages, one module
per protocol section, each a class named by the id it reports and citing its clause; no
rule id is written anywhere else in the services or the kernel, and projections and
followers never call a rule."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import services
from shared.rules import base

ROOT = Path(__file__).resolve().parents[1]
RULES_PACKAGES = [
    "services.postings.domain.rules",
    "services.appeals.domain.rules",
    "services.roi.domain.rules",
    "shared.rules",
]
MODULE_NAME = re.compile(r"^(s\d+(_\d+)*_[a-z_]+|l1_[a-z0-9_]+|base|decision_record|retention)$")


def _import_everything() -> None:
    """Every module of the services and the kernel, so every rule is registered."""
    for info in pkgutil.walk_packages(services.__path__, "services."):
        importlib.import_module(info.name)
    for name in RULES_PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.iter_modules(package.__path__, f"{name}."):
            importlib.import_module(info.name)


_import_everything()
RULES = dict(base.REGISTRY)


def test_there_are_rules_from_every_service_and_the_kernel() -> None:
    modules = {rule.__module__.rsplit(".", 1)[0] for rule in RULES.values()}
    assert modules == set(RULES_PACKAGES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_each_rule_is_defined_once_in_a_rules_package_and_cites_its_clause(rule_id: str) -> None:
    rule = RULES[rule_id]
    package, module = rule.__module__.rsplit(".", 1)
    assert package in RULES_PACKAGES, rule.__module__
    assert MODULE_NAME.match(module), f"{module}: one module per protocol section"
    assert rule.id == rule.__name__ == rule_id
    assert base.CLAUSE.match(rule.clause)
    # The clause's number is in the docstring, so grepping it finds the rule.
    cited = rule.clause.split(" ", 1)[1]
    doc = " ".join((rule.__doc__ or "").split())
    assert cited in doc, f"{rule_id}'s docstring does not cite {rule.clause}"
    source = (ROOT / (rule.__module__.replace(".", "/") + ".py")).read_text()
    assert source.count(f"class {rule_id}(") == 1


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


def _in_rules_package(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return relative.startswith("shared/rules/") or "/domain/rules/" in relative


def test_no_rule_id_is_written_outside_the_rules_packages() -> None:
    """Outside the rules packages an id is only ever the class itself (``Rule.id``), so a
    renamed rule leaves no stale id behind and grepping an id lands on its definition."""
    found = []
    for path in _python_files("services", "shared"):
        if _in_rules_package(path):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in RULES:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert found == []


def test_every_clause_a_rule_cites_is_found_by_grep_in_the_rules_packages() -> None:
    texts = "\n".join(
        p.read_text()
        for package in RULES_PACKAGES
        for p in (ROOT / package.replace(".", "/")).glob("*.py")
    )
    for rule in RULES.values():
        assert rule.clause in texts


def test_projections_and_followers_never_call_a_rule() -> None:
    """They read what the events recorded as decided at the time (issue 13, point 3)."""
    found = []
    for path in _python_files("services"):
        relative = path.relative_to(ROOT).as_posix()
        if "/projections/" not in relative and "/followers/" not in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and (".domain.rules" in node.module or node.module.startswith("shared.rules"))
            ):
                found.append(f"{relative}: imports {node.module}")
    assert found == []
