"""Every public name of the package has a docstring, and so has every public
method and property of its classes: the site's Python reference
(docs/site/reference/python) is generated from them."""

import inspect

import partner_webhooks as pw

PUBLIC = sorted(n for n in dir(pw) if not n.startswith("_") and not inspect.ismodule(getattr(pw, n)))
# Type aliases and TypedDict payloads document themselves by their fields' names.
NOT_OBJECTS = (str, int, float, tuple, type(None))


def undocumented():
    missing = []
    for name in PUBLIC:
        obj = getattr(pw, name)
        if isinstance(obj, NOT_OBJECTS) or getattr(obj, "__module__", "").startswith("typing"):
            continue
        if not (inspect.getdoc(obj) or "").strip():
            missing.append(name)
        if inspect.isclass(obj) and not issubclass(obj, dict):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
                    continue
                if not (inspect.getdoc(member) or "").strip():
                    missing.append(f"{name}.{attr}")
    return missing


def test_every_public_item_has_a_docstring():
    assert len(PUBLIC) > 40, PUBLIC
    assert undocumented() == []
