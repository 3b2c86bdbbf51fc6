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

extensions = ["myst_parser", "sphinx_design", "examples"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
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
