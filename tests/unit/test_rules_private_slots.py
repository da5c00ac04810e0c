"""What is private is declared once, in assistant/private_slots.py, and used everywhere it applies."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List

from assistant import private_slots
from tests.conftest import ROOT

DECLARED = ROOT / "assistant" / "private_slots.py"


def _module_files() -> List[Path]:
    files = [*ROOT.glob("actions/**/*.py"), *ROOT.glob("assistant/**/*.py"), *ROOT.glob("scripts/*.py")]
    return sorted(p for p in files if p != DECLARED and "migrations" not in p.parts)


def _constants(tree: ast.Module) -> dict:
    """Module-level ``NAME = "text"`` assignments."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    out[target.id] = node.value.value
    return out


def _slot_list_declarations(path: Path) -> List[str]:
    """Module-level collections built here that name two or more private slots, or splice one in."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)
    found = []
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        value = node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.args:
            if value.func.id in {"frozenset", "set", "tuple", "list"}:
                value = value.args[0]
        if not isinstance(value, (ast.Tuple, ast.List, ast.Set)):
            continue
        names = []
        spliced = False
        for element in value.elts:
            if isinstance(element, ast.Starred):
                spliced = True
            elif isinstance(element, ast.Constant) and isinstance(element.value, str):
                names.append(element.value)
            elif isinstance(element, ast.Name) and element.id in constants:
                names.append(constants[element.id])
        private = [n for n in names if n in private_slots.PRIVATE_SLOTS]
        if len(private) >= 2 or (spliced and private):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_other_module_redeclares_a_private_slot_list() -> None:
    redeclared = [hit for path in _module_files() for hit in _slot_list_declarations(path)]
    assert redeclared == []


def test_the_actions_clear_exactly_the_declared_slots() -> None:
    import actions.enquiry as enquiry
    import actions.reflection as reflection

    assert [e["name"] for e in enquiry.cleared()] == list(private_slots.ENQUIRY_SLOT_ORDER)
    assert [e["name"] for e in reflection.cleared()] == list(private_slots.REFLECTION_SLOT_ORDER)
    assert enquiry.ENQUIRY_SLOTS is private_slots.ENQUIRY_SLOTS
    assert reflection.REFLECTION_SLOTS is private_slots.REFLECTION_SLOTS
    assert enquiry.FIELDS is private_slots.ENQUIRY_FIELDS
    assert reflection.PROMPTS is private_slots.REFLECTION_PROMPTS


def test_the_declared_lists_agree_with_each_other() -> None:
    assert set(private_slots.ENQUIRY_SLOT_ORDER) == private_slots.ENQUIRY_SLOTS
    assert set(private_slots.REFLECTION_SLOT_ORDER) == private_slots.REFLECTION_SLOTS
    assert private_slots.REFLECTION_ANSWER_SLOTS < private_slots.REFLECTION_SLOTS
    assert private_slots.PRIVATE_SLOTS == private_slots.ENQUIRY_SLOTS | private_slots.REFLECTION_SLOTS
