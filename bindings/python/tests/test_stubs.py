"""The type stubs (amorce/__init__.pyi) and the module cannot drift: every public name of the
stub exists in the module, and every public name of the module is in the stub."""
from __future__ import annotations

import ast
import inspect
import pathlib

import amorce

STUB = pathlib.Path(amorce.__file__).with_name("__init__.pyi")

# Stub members of optional drivers: absent from builds whose engine lacks the driver.
OPTIONAL = {("Scenario", "sensitivity"): "sensitivity", ("Scenario", "sensitivity_over_time"): "sensitivity"}


def missing_optional(cls_name):
    return {m for (c, m), feature in OPTIONAL.items() if c == cls_name and feature not in amorce._core._features}


def stub_tree():
    return ast.parse(STUB.read_text(encoding="utf-8"))


def public(names):
    return {n for n in names if not n.startswith("_")}


def stub_names(body):
    names = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_stub_files_are_installed_next_to_the_module():
    assert STUB.is_file()
    assert STUB.with_name("py.typed").is_file()


def test_module_names_match_stub():
    tree = stub_tree()
    in_stub = public(stub_names(tree.body)) | {"__version__"}
    in_module = public(n for n, v in vars(amorce).items() if not inspect.ismodule(v)) | {"__version__"}
    assert in_stub == in_module
    assert set(amorce.__all__) == in_stub


def test_class_members_match_stub():
    tree = stub_tree()
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert {c.name for c in classes} == {n for n in amorce.__all__ if inspect.isclass(getattr(amorce, n))}
    for node in classes:
        cls = getattr(amorce, node.name)
        assert public(stub_names(node.body)) - missing_optional(node.name) == public(vars(cls)), node.name


def test_signatures_match_stub():
    """Parameter names and defaults of functions and methods agree with the stub."""
    tree = stub_tree()

    def params(fn: ast.FunctionDef):
        a = fn.args
        names = [x.arg for x in a.posonlyargs + a.args if x.arg != "self"]
        return names, (a.kwarg.arg if a.kwarg else None)

    def runtime_params(obj):
        doc = obj.__doc__ or ""
        try:
            sig = inspect.signature(obj)
        except (TypeError, ValueError):  # pybind11 functions: read the signature line of the docstring
            first = doc.splitlines()[0]
            inner = first[first.index("(") + 1:first.rindex(")")]
            names, kwarg = [], None
            parts, depth, cur = [], 0, ""
            for ch in inner + ",":  # split at top-level commas (not inside Dict[str, List[str]])
                depth += ch in "[(" and 1 or ch in "])" and -1 or 0
                if ch == "," and depth == 0:
                    parts.append(cur.strip())
                    cur = ""
                else:
                    cur += ch
            for part in [p for p in parts if p]:
                name = part.split(":")[0].strip()
                if name.startswith("**"):
                    kwarg = name[2:]
                elif name != "self":
                    names.append(name)
            return names, kwarg
        names = [p.name for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD and p.name != "self"]
        kw = [p.name for p in sig.parameters.values() if p.kind is p.VAR_KEYWORD]
        return names, (kw[0] if kw else None)

    checked = 0
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            assert params(node) == runtime_params(getattr(amorce, node.name)), node.name
            checked += 1
        elif isinstance(node, ast.ClassDef):
            cls = getattr(amorce, node.name)
            for fn in node.body:
                if not isinstance(fn, ast.FunctionDef) or fn.name in missing_optional(node.name):
                    continue
                if isinstance(fn, ast.FunctionDef) and not any(
                        isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list):
                    assert params(fn) == runtime_params(getattr(cls, fn.name)), f"{node.name}.{fn.name}"
                    checked += 1
    assert checked >= 10


def test_everything_has_a_docstring():
    assert amorce.__doc__
    for name in amorce.__all__:
        obj = getattr(amorce, name)
        if name == "__version__":
            continue
        assert (obj.__doc__ or "").strip(), name
        if inspect.isclass(obj):
            for member, value in vars(obj).items():
                if not member.startswith("_"):
                    doc = getattr(value, "__doc__", None) if not isinstance(value, (str, int, tuple)) else "attr"
                    assert (doc or "").strip(), f"{name}.{member}"
