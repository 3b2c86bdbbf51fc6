"""The site's code examples: one tab per language, every tab's code taken
from a file that the language's own test suite runs.

A region is marked in a test file by a comment line holding ``docs: NAME``
and ends at the next line holding ``end docs``; the lines between (dedented)
are the example. ``LANGUAGES`` names the files each language's regions live
in. In a page::

    ```{examples} set-url
    ```

gives one tab per language (the reader's choice is remembered across pages:
sphinx-design's synchronised tabs). A language without region NAME fails the
build, unless ``missing.toml`` lists NAME for it with the reason, which the
page then shows in place of the code.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[3]
SITE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Language:
    key: str
    label: str
    lexer: str
    files: tuple[str, ...]


LANGUAGES = (
    Language("rust", "Rust", "rust", ("crates/partner-webhooks/tests/docs_examples.rs",)),
    Language("python", "Python", "python", ("python/tests/test_docs_examples.py",)),
    Language("node", "Node (TypeScript)", "typescript", ("node/test/docs/examples.test.mts",)),
    Language("kotlin", "Kotlin", "kotlin", ("bindings/uniffi/tests/kotlin/DocsExamples.kt",)),
    Language("swift", "Swift", "swift", ("bindings/uniffi/swift/Tests/PartnerWebhooksTests/DocsExamplesTests.swift",)),
    Language("cli", "CLI", "bash", ("crates/partner-webhooks-cli/tests/docs_examples.sh",)),
)

START = re.compile(r"^\s*(?://|#)\s*docs:\s*([a-z0-9-]+)\s*$")
END = re.compile(r"^\s*(?://|#)\s*end docs\s*$")


def read_regions(path: Path) -> dict[str, str]:
    """The regions of one file, by name; an unclosed or repeated one is an error."""
    regions: dict[str, str] = {}
    name, lines = None, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if (m := START.match(line)) is not None:
            if name is not None:
                raise ExtensionError(f"{path}:{number}: region {m.group(1)!r} starts inside {name!r}")
            name, lines = m.group(1), []
        elif END.match(line):
            if name is None:
                raise ExtensionError(f"{path}:{number}: 'end docs' without a region")
            if name in regions:
                raise ExtensionError(f"{path}:{number}: region {name!r} twice")
            regions[name] = textwrap.dedent("\n".join(lines)).strip("\n") + "\n"
            name = None
        elif name is not None:
            lines.append(line)
    if name is not None:
        raise ExtensionError(f"{path}: region {name!r} is never closed")
    return regions


def all_regions() -> dict[str, dict[str, str]]:
    """Every language's regions: ``{language: {name: code}}``."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        out[lang.key] = {}
        for file in lang.files:
            for name, code in read_regions(ROOT / file).items():
                if name in out[lang.key]:
                    raise ExtensionError(f"{lang.label}: region {name!r} in two files")
                out[lang.key][name] = code
    return out


def missing() -> dict[str, dict[str, str]]:
    """``missing.toml``: ``{language: {region: reason}}``."""
    data = tomllib.loads((SITE / "missing.toml").read_text(encoding="utf-8"))
    unknown = set(data) - {lang.key for lang in LANGUAGES}
    if unknown:
        raise ExtensionError(f"missing.toml: unknown languages {sorted(unknown)}")
    return data


def fence(code: str) -> str:
    """A backtick fence longer than any run of backticks in ``code``."""
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


class Examples(SphinxDirective):
    """``{examples} NAME``: the tabs of region NAME in every language."""

    required_arguments = 1
    has_content = False
    option_spec = {"only": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        regions = self.env.app.partner_regions
        gaps = self.env.app.partner_missing
        only = (self.options.get("only") or "").split()
        if len(only) == 1:
            lang = next((lang for lang in LANGUAGES if lang.key == only[0]), None)
            if lang is None or name not in regions[lang.key]:
                raise self.error(f"example {name!r}: no {only[0]} region")
            code = regions[lang.key][name]
            f = fence(code)
            return self.parse_markdown([f"{f}{lang.lexer}", code.rstrip("\n"), f])
        text = [":::::{tab-set}", ":sync-group: language", ""]
        used = 0
        for lang in LANGUAGES:
            if only and lang.key not in only:
                continue
            text += [f"::::{{tab-item}} {lang.label}", f":sync: {lang.key}", ""]
            code = regions[lang.key].get(name)
            if code is not None:
                f = fence(code)
                text += [f"{f}{lang.lexer}", code.rstrip("\n"), f]
                used += 1
            elif name in gaps.get(lang.key, {}):
                text += [":::{note}", f"Not in {lang.label}: {gaps[lang.key][name]}",
                         "([what each language lacks](/reference/missing.md))", ":::"]
            else:
                files = ", ".join(lang.files)
                raise self.error(f"example {name!r} has no {lang.label} region ('docs: {name}' in {files}) "
                                 f"and missing.toml does not list it")
            text += ["::::", ""]
        text += [":::::"]
        if used == 0:
            raise self.error(f"example {name!r}: no language has it")
        self.env.note_dependency(str(SITE / "missing.toml"))
        for lang in LANGUAGES:
            for file in lang.files:
                self.env.note_dependency(str(ROOT / file))
        return self.parse_markdown(text)

    def parse_markdown(self, text: list[str]) -> list[nodes.Node]:
        container = nodes.container()
        self.state.nested_parse(_lines(text), self.content_offset, container)
        for block in container.findall(nodes.literal_block):
            block["partner_example"] = True
        return container.children


def _lines(text: list[str]):
    from docutils.statemachine import StringList

    return StringList(text, source="examples")


class MissingTable(SphinxDirective):
    """``{missing-features}``: the table of what each language lacks (missing.toml)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        rows = ["| language | example | why |", "|---|---|---|"]
        labels = {lang.key: lang.label for lang in LANGUAGES}
        for key, gaps in sorted(self.env.app.partner_missing.items()):
            for name, reason in sorted(gaps.items()):
                rows.append(f"| {labels[key]} | `{name}` | {reason} |")
        if len(rows) == 2:
            rows = ["None: every example on this site exists in every language."]
        container = nodes.container()
        self.state.nested_parse(_lines(rows), self.content_offset, container)
        return container.children


def only_tested_code_in_guides(app: Sphinx, doctree: nodes.document) -> None:
    """A guide's code blocks come from `{examples}` or `literalinclude` (files
    that tests run); any other code block in a guide is an error."""
    docname = app.env.docname
    if not docname.startswith("guides/"):
        return
    page = str(app.env.doc2path(docname))
    for block in doctree.findall(nodes.literal_block):
        included = block.get("source") and str(block.get("source")) != page
        if not block.get("partner_example") and not included:
            logger.warning(
                "a code block in a guide that no test runs: make it an {examples} region "
                "or a literalinclude of a tested file",
                location=block,
            )


def setup(app: Sphinx) -> dict:
    app.partner_regions = all_regions()
    app.partner_missing = missing()
    for key, gaps in app.partner_missing.items():
        stale = sorted(set(gaps) & set(app.partner_regions[key]))
        if stale:
            raise ExtensionError(f"missing.toml lists {stale} for {key}, but the {key} examples have them")
    app.add_directive("examples", Examples)
    app.add_directive("missing-features", MissingTable)
    app.connect("doctree-read", only_tested_code_in_guides)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
