"""Which message keys of the catalogue (core.i18n) the code uses, read from the source.

Used twice: by tests/test_messages.py (every key used exists, every key is used) and by
``make messages`` as Babel's extractor (babel.cfg), so that ``pybabel extract`` lists the same
keys.

A key is used when
- it is written out in full as the first argument of ``text``, ``pair``, ``Message`` or of an
  error class (``StoreError("error.store.no_such_snapshot", …)``) — *strict*: such a key must
  exist;
- a text module's short lookup names it: ``t("please_login")`` with ``t`` imported from
  access.text is ``access.please_login`` (also through a page's own one-line wrapper such as
  ``def T(key, **values): return tt(key, lang, **values)``) — *strict* as well;
- a vocabulary names it: the coded values of each dimension (``code.stage.signed``), the five
  databases (``db.*``), the months (``briefing.month.*``), the paces of a target
  (``targets.status.*``), the audit log's actions and details (``access.action.*``, …),
  the roles (``access.role.*``, ``access.role_duty.*``) the regions of ID numbers
  (``code.id_region.*``) and what each setting does (``setting.*``);
- a string in the code of the module that owns a family of keys is the rest of such a key
  (the importer passes its message keys around as data, ``Problem(key="not_int")``; pages pick
  labels from tuples of keys) — counted only when the key exists.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "build", "tests", "bench", "docs", "deploy", "static", "node_modules"}

NAMESPACES = ("access", "ui", "screen", "setting", "code", "db", "briefing", "targets", "import",
              "error")
FULL_KEY = re.compile(r"^(" + "|".join(NAMESPACES) + r")\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")
FULL_KEY_CALLS = {"text", "pair", "Message"}
ERROR_NAME = re.compile(r"(Error_?|Unavailable|Usage|Refused|Failed|Denied)$")

# The short lookups of the text modules: (module, function) -> key prefix.
WRAPPERS = {
    ("access.text", "t"): "access.",
    ("analytics.text", "t"): "ui.",
    ("analytics.text", "UI"): "ui.",
    ("pages.shared", "t"): "ui.",
    ("pages.labels", "t"): "ui.",
    ("presentation.text", "t"): "ui.",
    ("presentation.screen_text", "text"): "screen.",
    ("briefing.text", "s"): "briefing.",
    ("briefing.text", "BriefingError"): "error.briefing.",
    ("briefing", "BriefingError"): "error.briefing.",
    ("targets.text", "t"): "targets.",
    ("data.importer.text", "msg"): "import.msg.",
    ("data.importer.text", "ui"): "import.ui.",
}
# The module each file is (its own wrappers are called by their bare names inside it).
SELF = {"access/text.py": "access.text", "analytics/text.py": "analytics.text",
        "pages/shared.py": "pages.shared", "pages/labels.py": "pages.labels",
        "presentation/text.py": "presentation.text",
        "presentation/screen_text.py": "presentation.screen_text", "briefing/text.py": "briefing.text",
        "targets/text.py": "targets.text", "data/importer/text.py": "data.importer.text"}
# Where a bare string counts as the rest of a key of a family.
OWNERS = {
    "ui.": ("pages/", "presentation/", "analytics/", "app.py"),
    "screen.": ("presentation/screen", "pages/screen.py"),
    "access.": ("access/", "pages/", "app.py"),
    "briefing.": ("briefing/",),
    "targets.": ("targets/", "pages/"),
    "import.msg.": ("data/importer/",),
    "import.ui.": ("data/importer/", "pages/"),
}


def vocabulary_keys() -> dict[str, set[str]]:
    """The keys a vocabulary names, by the file that declares the vocabulary."""
    from access import audit, roles
    from analytics import text as at
    from core import settings
    from data import identity
    from targets import text as tt

    return {
        "analytics/text.py": {f"code.{dim}.{code}" for dim, codes in at.CODE_VALUES.items()
                              for code in codes}
        | {f"db.{name}" for name in at.DATABASE_TABLES},
        "briefing/text.py": {f"briefing.month.{month}" for month in range(1, 13)},
        "targets/text.py": {f"targets.status.{status}" for status in tt.STATUS_COLOUR}
        | {"targets.status.level_met"},
        "access/audit.py": {f"access.action.{name}" for name in audit.ACTION_NAMES}
        | {f"access.detail.{name}" for name in audit.DETAIL_NAMES}
        | {f"access.detail_value.{name}" for name in audit.DETAIL_VALUE_NAMES},
        "access/roles.py": {f"{kind}.{role}" for kind in ("access.role", "access.role_duty")
                            for role in roles.ROLES},
        "data/identity.py": {f"code.id_region.{code}" for code in identity.HEZE_REGION_CODES}
        | {f"code.id_region.{code}" for code in identity.NOT_HEZE_CODES},
        "core/settings.py": {f"setting.{key.dotted}" for key in settings.KEYS},
    }


def _name(func: ast.expr) -> tuple[str | None, str | None]:
    """(module alias or None, name) of a called function: t(…) or shared.t(…)."""
    if isinstance(func, ast.Name):
        return None, func.id
    if isinstance(func, ast.Attribute):
        base = func.value.id if isinstance(func.value, ast.Name) else None
        return base, func.attr
    return None, None


def _strings(node: ast.expr) -> list[str]:
    """The literal strings an argument can be: "x", or "a" if … else "b"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _shape(node: ast.JoinedStr) -> re.Pattern | None:
    """f"grain_{g}" as the pattern grain_.+, when its fixed text says enough (3 characters)."""
    fixed = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if len(fixed) < 3 or not re.fullmatch(r"[A-Za-z0-9_.]+", fixed):
        return None
    return re.compile("".join(re.escape(v.value) if isinstance(v, ast.Constant) else "[A-Za-z0-9_]+"
                              for v in node.values))


def scan(source: str, rel: str, catalogue: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """(strict, lenient): the keys a file uses, each with the line it is first used on."""
    tree = ast.parse(source)
    prefix: dict[str, str] = {}  # a bare function name -> key prefix
    modules: dict[str, str] = {}  # a module alias -> module
    own = SELF.get(rel)
    if own:
        for (mod, fn), pre in WRAPPERS.items():
            if mod == own:
                prefix[fn] = pre
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                pre = WRAPPERS.get((node.module, alias.name))
                if pre:
                    prefix[alias.asname or alias.name] = pre
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name.split(".")[0]] = alias.name
    # a page's one-line wrapper: def T(key, **values): return tt(key, lang, **values)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.args.args and node.name not in prefix:
            first = node.args.args[0].arg
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and call.args \
                        and isinstance(call.args[0], ast.Name) and call.args[0].id == first:
                    base, fn = _name(call.func)
                    pre = (WRAPPERS.get((modules.get(base, ""), fn)) if base else prefix.get(fn))
                    if pre:
                        prefix[node.name] = pre
    strict: dict[str, int] = {}
    lenient: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            base, fn = _name(node.func)
            pre = WRAPPERS.get((modules.get(base, ""), fn)) if base else prefix.get(fn)
            for value in _strings(node.args[0]):
                if pre and not FULL_KEY.match(value):
                    strict.setdefault(pre + value, node.lineno)
                elif FULL_KEY.match(value) and (fn in FULL_KEY_CALLS or ERROR_NAME.search(fn or "")):
                    strict.setdefault(value, node.lineno)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
                and prefix.get(node.value.id) == "ui.":  # UI["as_of"]
            for value in _strings(node.slice):
                strict.setdefault("ui." + value, node.lineno)
        elif isinstance(node, ast.JoinedStr):  # f"grain_{g}": every key of that shape
            shape = _shape(node)
            if shape is not None:
                for pre, owners in OWNERS.items():
                    if rel.startswith(owners):
                        for key in catalogue:
                            if key.startswith(pre) and shape.fullmatch(key[len(pre):]):
                                lenient.setdefault(key, node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if value in catalogue:
                lenient.setdefault(value, node.lineno)
            for pre, owners in OWNERS.items():
                if pre + value in catalogue and rel.startswith(owners):
                    lenient.setdefault(pre + value, node.lineno)
    return strict, lenient


def project_files(root: Path = ROOT) -> Iterable[Path]:
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] in SKIP_DIRS or rel.parts[0].startswith("."):
            continue
        yield path


def used_keys(catalogue: set[str], root: Path = ROOT) -> tuple[dict[str, str], set[str]]:
    """(strict keys -> where, every key used)."""
    vocab = vocabulary_keys()
    strict_all: dict[str, str] = {}
    used: set[str] = set()
    for path in project_files(root):
        rel = path.relative_to(root).as_posix()
        strict, lenient = scan(path.read_text(encoding="utf-8"), rel, catalogue)
        for key, line in strict.items():
            strict_all.setdefault(key, f"{rel}:{line}")
        used |= strict.keys() | lenient.keys() | vocab.get(rel, set())
    return strict_all, used


def catalogue_keys() -> set[str]:
    from core.i18n import keys

    return set(keys())


def extract(fileobj, keywords, comment_tags, options):
    """Babel's extraction method (babel.cfg): the keys a Python file uses."""
    path = Path(fileobj.name).resolve()
    rel = path.relative_to(ROOT).as_posix()
    catalogue = catalogue_keys()
    strict, lenient = scan(fileobj.read().decode("utf-8"), rel, catalogue)
    found = {**lenient, **strict}
    for key in sorted(vocabulary_keys().get(rel, set())):
        found.setdefault(key, 1)
    for key, line in sorted(found.items(), key=lambda kv: (kv[1], kv[0])):
        yield line, None, key, []
