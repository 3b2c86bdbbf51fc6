"""The documentation site (`make docs` builds it into target/site).

Sphinx with MyST (Markdown), sphinx-design (tabs that remember the reader's
language across pages) and the Furo theme; `_ext/examples.py` takes every code
example from a file that a test suite runs. Pinned in requirements.txt; see
docs/decisions.md ("Documentation site") for why this generator.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "partner-webhooks"
author = "partner-webhooks contributors"
copyright = "the partner-webhooks contributors"
release = (Path(__file__).parents[2] / "Cargo.toml").read_text().split('version = "', 1)[1].split('"', 1)[0]

extensions = ["myst_parser", "sphinx_design", "autoapi.extension", "examples"]

# The Python API reference, read statically from the package's sources and its
# type stubs (`_native.pyi`, which `make lint-python` checks against the built
# module with mypy's stubtest): nothing is imported, so no build is needed.
autoapi_type = "python"
autoapi_dirs = [str(Path(__file__).parents[2] / "python" / "partner_webhooks")]
autoapi_file_patterns = ["*.pyi", "*.py"]
autoapi_root = "reference/python"
autoapi_options = ["members", "undoc-members", "show-inheritance", "imported-members"]
autoapi_add_toctree_entry = False
autoapi_keep_files = False
# The event classes (`ChannelLiveEvent`, ...) are made at import time from the
# core's table, so a static reader cannot resolve them; they are listed in
# the Python quickstart and typed for mypy in `_events.py`.
suppress_warnings = ["autoapi.python_import_resolution"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "requirements.txt"]
root_doc = "index"

html_theme = "furo"
html_title = f"partner-webhooks {release}"
html_copy_source = False
html_show_sourcelink = False
# Nothing from a CDN or a font service: Furo uses the system's fonts.
html_theme_options = {"navigation_with_keys": True}

# Links to the repository's files: one base, so moving the site moves them all.
REPO = "https://github.com/partner-webhooks/partner-webhooks/blob/main"
myst_url_schemes = {
    "http": None,
    "https": None,
    "mailto": None,
    "repo": {"url": REPO + "/{{path}}", "title": "{{path}}"},
}
nitpicky = True
# The Python reference names private modules and typing helpers in signatures
# (`partner_webhooks._models.WebhookUrl`, `Any`): not pages of their own.
nitpick_ignore_regex = [
    (r"py:(class|obj|data)", r"(_.*|.*\._.*|os\.PathLike|typing\..*|collections\.abc\..*)"),
]
