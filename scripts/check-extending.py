#!/usr/bin/env python3
"""Checks docs/extending.md against the code: every listed site's text is
still in its file, and each "Adding ..." heading's counts ("N sites in M
files") are its list's. A list the code has moved away from fails `make lint`."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "extending.md"
HEADING = re.compile(r"^## (Adding .+) \((\d+) sites? in (\d+) files?\)$")
SITE = re.compile(r"^(\d+)\. `([^`]+)` — `([^`]+)`")


def main() -> int:
    failures, sections, current = [], [], None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if m := HEADING.match(line):
            current = (m.group(1), int(m.group(2)), int(m.group(3)), [])
            sections.append(current)
        elif line.startswith("## "):
            current = None
        elif current is not None and (m := SITE.match(line)):
            current[3].append((int(m.group(1)), m.group(2), m.group(3)))
    if len(sections) != 3:
        failures.append(f"expected 3 'Adding ...' sections, found {len(sections)}")
    for title, sites, files, items in sections:
        if [n for n, _, _ in items] != list(range(1, len(items) + 1)):
            failures.append(f"{title}: the sites are not numbered 1..{len(items)}")
        if len(items) != sites:
            failures.append(f"{title}: the heading says {sites} sites, the list has {len(items)}")
        if len({path for _, path, _ in items}) != files:
            failures.append(f"{title}: the heading says {files} files, the list names {len({p for _, p, _ in items})}")
        for n, path, needle in items:
            file = ROOT / path
            if not file.is_file():
                failures.append(f"{title} #{n}: no file {path}")
            elif needle not in file.read_text(encoding="utf-8"):
                failures.append(f"{title} #{n}: {path} no longer contains {needle!r}")
    for f in failures:
        print(f"check-extending: {f}", file=sys.stderr)
    if not failures:
        print("check-extending: " + "; ".join(f"{t}: {s} sites in {f} files" for t, s, f, _ in sections))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
