"""What the published Rust crates say and hold (exit 1 and a line per problem).

With a directory of .crate files (`cargo package` output): each one's file list
is checked. It holds its Cargo.toml, README.md, LICENSE and sources (the sandbox also its page), and
nothing else: no test fixtures (the TLS test keys), no target/ or
node_modules/, no key or certificate file, no file with a private key in it.
The sizes are printed.

Always: each published crate's manifest has the metadata a registry shows
(description, license, repository, readme, keywords, categories,
rust-version); every other crate says `publish = false`; each crate README's
feature table lists exactly the features of its Cargo.toml; the minimum Rust
version is one number in the manifests and every README; the README's sandbox
test is tests/cargo-project's (the registry test runs that one), and each
Rust block of the top README and of the Rust quickstart is a block of the core crate's
README (whose blocks run as doctests)."""

import re
import sys
import tarfile
import tomllib
from pathlib import Path

root = Path(__file__).resolve().parents[1]
PUBLISHED = ["partner-webhooks", "partner-webhooks-sandbox", "partner-webhooks-cli"]
REQUIRED = ["description", "license", "repository", "readme", "keywords", "categories", "rust-version"]
problems = []

workspace = tomllib.loads((root / "Cargo.toml").read_text())
shared = workspace["workspace"]["package"]
msrv = shared["rust-version"]


def blocks(markdown: str, lang: str) -> list[str]:
    """The fenced code blocks of one language, hidden doctest lines (`# `) dropped."""
    out = []
    for info, body in re.findall(r"^```([^\n]*)\n(.*?)^```", markdown, re.M | re.S):
        if info.split(",")[0].strip() == lang:
            lines = [l for l in body.splitlines() if not re.match(r"^\s*#( |$)", l) or l.strip().startswith("#[")]
            out.append("\n".join(lines).strip())
    return out


for manifest in sorted(root.glob("crates/*/Cargo.toml")) + sorted(root.glob("bindings/*/Cargo.toml")) + [root / "bench/rust/Cargo.toml"]:
    package = tomllib.loads(manifest.read_text())["package"]
    name, where = package["name"], manifest.relative_to(root)
    if name not in PUBLISHED:
        if package.get("publish") is not False:
            problems.append(f"{where}: not a published crate, so it must say publish = false")
        continue
    for key in REQUIRED:
        value = package.get(key)
        if value is None or (isinstance(value, dict) and value.get("workspace") and key not in shared):
            problems.append(f"{where}: no {key}")
    if len(package.get("keywords", [])) > 5:
        problems.append(f"{where}: more than 5 keywords (the registry refuses them)")
    readme = (manifest.parent / "README.md").read_text()
    features = set(tomllib.loads(manifest.read_text()).get("features", {})) - {"default"}
    section = re.search(r"^## Feature flags\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section.group(1), re.M)) if section else set()
    if listed != features:
        problems.append(f"{name}/README.md lists features {sorted(listed)}, Cargo.toml has {sorted(features)}")
    if not features and "no feature flags" not in readme:
        problems.append(f"{name}/README.md: say that it has no feature flags")

# One minimum Rust version.
for readme in [root / "README.md"] + [root / f"crates/{c}/README.md" for c in PUBLISHED]:
    said = set(re.findall(r"Rust (?:toolchain \()?(1\.\d+)(?:\.\d+)? or newer", readme.read_text()))
    if said != {msrv}:
        problems.append(f"{readme.relative_to(root)}: says Rust {sorted(said) or 'nothing'} or newer; the manifests say {msrv}")

# The README examples are the ones that run.
core_readme = (root / "crates/partner-webhooks/README.md").read_text()
project_test = (root / "tests/cargo-project/tests/sandbox.rs").read_text()
region = re.search(r"// readme: sandbox-test\n(.*?)// end readme", project_test, re.S).group(1).strip()
quickstart = (root / "docs/site/quickstart/rust.md").read_text()
if region not in blocks(core_readme, "rust"):
    problems.append("crates/partner-webhooks/README.md: its sandbox test is not tests/cargo-project/tests/sandbox.rs's region")
for where, text in [("README.md", (root / "README.md").read_text()), ("docs/site/quickstart/rust.md", quickstart)]:
    for block in blocks(text, "rust"):
        if block not in blocks(core_readme, "rust"):
            problems.append(f"{where}: a Rust block that is not in crates/partner-webhooks/README.md: {block[:60]!r}...")
if region not in blocks(quickstart, "rust"):
    problems.append("docs/site/quickstart/rust.md: lacks the sandbox test of tests/cargo-project/tests/sandbox.rs")

# The .crate files.
if len(sys.argv) > 1:
    allowed = re.compile(r"^(Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|LICENSE|src/.*\.rs|src/page/[^/]+\.(html|js|css)|examples/[^/]+\.rs)$")
    version = shared["version"]
    for name in PUBLISHED:
        path = Path(sys.argv[1]) / f"{name}-{version}.crate"
        if not path.is_file():
            problems.append(f"{path}: missing (run cargo package)")
            continue
        with tarfile.open(path) as crate:
            members = [m for m in crate.getmembers() if m.isfile()]
            files = [m.name.split("/", 1)[1] for m in members]
            for member, file in zip(members, files):
                if not allowed.match(file) or re.search(r"(^|/)(target|node_modules|fixtures)/|\.(pem|key|p12|crt)$", file):
                    problems.append(f"{path.name}: holds {file}")
                data = crate.extractfile(member).read()
                if b"PRIVATE KEY-----" in data:
                    problems.append(f"{path.name}: {file} holds a private key")
            for needed in ["Cargo.toml", "README.md", "LICENSE"]:
                if needed not in files:
                    problems.append(f"{path.name}: lacks {needed}")
            if "src/lib.rs" not in files and "src/main.rs" not in files:
                problems.append(f"{path.name}: no src/lib.rs or src/main.rs")
            license_text = crate.extractfile(members[files.index("LICENSE")]).read() if "LICENSE" in files else b""
            if b"MIT License" not in license_text:
                problems.append(f"{path.name}: LICENSE is not the MIT license text")
        print(f"check-crates: {path.name}: {path.stat().st_size:,} bytes, {len(files)} files")

for p in problems:
    print(f"check-crates: {p}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"check-crates: {', '.join(PUBLISHED)}: metadata, features, README examples and Rust {msrv} agree")
