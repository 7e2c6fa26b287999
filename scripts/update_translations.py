#!/usr/bin/python3
"""Collect the plugin's translatable strings into i18n/palsar2_<lang>.ts (keeping existing translations).

pylupdate5 does not know this project's conventions (module-level ``tr()`` helpers with a fixed
context, algorithm ``DISPLAY_NAME``/``TAGS`` attributes, the ``GROUPS`` table), so this script reads
the source with ``ast`` and finds, with the context the code uses at run time:

- ``self.tr("text")`` in a class: context = the class name;
- ``tr("text")`` in a module that defines ``def tr(text)`` returning
  ``QCoreApplication.translate(CONTEXT, text)``: context = that module's context;
- ``QCoreApplication.translate("Context", "text")`` and ``tr("Context", "text")``;
- ``DISPLAY_NAME = "text"`` and ``TAGS = ("text", ...)`` in a class: context = the class name;
- the values of the ``GROUPS`` dict of processing_provider/base.py: context "Palsar2Algorithm".

Usage: scripts/update_translations.py [--check] [LANG ...]   (default language: ja)
``--check`` writes nothing and exits 1 when a string lacks a translation or the file is out of date.
"""

from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("palsar2_plugin", "processing_provider")
Message = Tuple[str, str]  # (context, source text)


def _literal(node: ast.AST, constants: Dict[str, str]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    return None


def _module_constants(tree: ast.Module) -> Dict[str, str]:
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                constants[node.targets[0].id] = node.value.value
    return constants


def _is_translate(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "translate"


def _module_tr_context(tree: ast.Module, constants: Dict[str, str]) -> Optional[str]:
    """The context of a module-level ``def tr(text)`` helper, if the module has one."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "tr" and len(node.args.args) == 1:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and _is_translate(inner) and inner.args:
                    return _literal(inner.args[0], constants)
    return None


class _Collector(ast.NodeVisitor):
    def __init__(self, constants: Dict[str, str], module_context: Optional[str]):
        self.constants = constants
        self.module_context = module_context
        self.classes: List[str] = []
        self.messages: List[Message] = []

    def add(self, context: Optional[str], text: Optional[str]) -> None:
        if context and text:
            self.messages.append((context, text))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: N802 (ast API)
        self.classes.append(node.name)
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name) and target.id == "DISPLAY_NAME":
                    self.add(node.name, _literal(statement.value, self.constants))
                if isinstance(target, ast.Name) and target.id == "TAGS" and isinstance(statement.value, ast.Tuple):
                    for element in statement.value.elts:
                        self.add(node.name, _literal(element, self.constants))
        self.generic_visit(node)
        self.classes.pop()

    def visit_Assign(self, node: ast.Assign) -> None:  # noqa: N802
        target = node.targets[0] if len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == "GROUPS" and isinstance(node.value, ast.Dict):
            for value in node.value.values:
                self.add("Palsar2Algorithm", _literal(value, self.constants))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        func = node.func
        if _is_translate(node) and len(node.args) >= 2:
            self.add(_literal(node.args[0], self.constants), _literal(node.args[1], self.constants))
        elif isinstance(func, ast.Attribute) and func.attr == "tr" and len(node.args) == 1:
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls") and self.classes:
                self.add(self.classes[-1], _literal(node.args[0], self.constants))
        elif isinstance(func, ast.Name) and func.id == "tr":
            if len(node.args) == 1:
                context = self.module_context or (self.classes[-1] if self.classes else None)
                self.add(context, _literal(node.args[0], self.constants))
            elif len(node.args) == 2:
                self.add(_literal(node.args[0], self.constants), _literal(node.args[1], self.constants))
        elif isinstance(func, ast.Attribute) and func.attr == "tr" and len(node.args) == 2:
            self.add(_literal(node.args[0], self.constants), _literal(node.args[1], self.constants))
        self.generic_visit(node)


def source_files() -> Iterable[Path]:
    for folder in SOURCE_DIRS:
        yield from sorted((ROOT / folder).rglob("*.py"))


def collect_messages() -> List[Message]:
    """Every (context, source) pair of the plugin, in order of first appearance."""
    seen: Dict[Message, None] = {}
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        constants = _module_constants(tree)
        collector = _Collector(constants, _module_tr_context(tree, constants))
        collector.visit(tree)
        for message in collector.messages:
            seen.setdefault(message, None)
    return list(seen)


def read_translations(ts_path: Path) -> Dict[Message, str]:
    if not ts_path.exists():
        return {}
    translations = {}
    for context in ET.parse(ts_path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source", "")
            translation = message.find("translation")
            if translation is not None and translation.text and translation.get("type") != "obsolete":
                translations[(name, source)] = translation.text
    return translations


def render_ts(messages: List[Message], translations: Dict[Message, str], language: str) -> str:
    root = ET.Element("TS", version="2.1", language=f"{language}_JP" if language == "ja" else language)
    contexts: Dict[str, ET.Element] = {}
    for context_name, source in sorted(messages, key=lambda m: m[0]):
        if context_name not in contexts:
            context = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = context_name
            contexts[context_name] = context
        message = ET.SubElement(contexts[context_name], "message")
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        text = translations.get((context_name, source))
        if text:
            translation.text = text
        else:
            translation.set("type", "unfinished")
    ET.indent(root)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
            + ET.tostring(root, encoding="unicode") + "\n")


def main(argv: List[str]) -> int:
    check = "--check" in argv
    languages = [arg for arg in argv if not arg.startswith("--")] or ["ja"]
    messages = collect_messages()
    status = 0
    for language in languages:
        ts_path = ROOT / "i18n" / f"palsar2_{language}.ts"
        translations = read_translations(ts_path)
        text = render_ts(messages, translations, language)
        missing = [m for m in messages if m not in translations]
        if check:
            current = ts_path.read_text(encoding="utf-8") if ts_path.exists() else ""
            if current != text or missing:
                status = 1
            for context, source in missing:
                print(f"{ts_path.name}: no translation for [{context}] {source!r}")
        else:
            ts_path.write_text(text, encoding="utf-8")
            print(f"{ts_path}: {len(messages)} strings, {len(missing)} without translation")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
