"""One version source: the workspace version in Cargo.toml. Checks that every
other place a version lives follows it (exit 1 and a line per mismatch):
every crate's manifest (`version.workspace = true`), the version the crates
require of each other, python/pyproject.toml
(version taken from Cargo by maturin), node/package.json, the version check
napi wrote into node/native.js, and, when `make dist` or `make test-dist` ran,
every artifact in target/dist (wheels, sdist, npm tarballs with their
optionalDependencies, the CLI archives, the jar and its POM)."""

import json
import os
import re
import sys
import tarfile
import zipfile
from pathlib import Path

root = Path(__file__).resolve().parents[1]
dist = Path(os.environ.get("CARGO_TARGET_DIR", root / "target")) / "dist"
problems = []

workspace = (root / "Cargo.toml").read_text()
version = re.search(r'^\[workspace\.package\][^\[]*?^version = "([^"]+)"', workspace, re.M | re.S).group(1)

for manifest in sorted(root.glob("crates/*/Cargo.toml")) + sorted(root.glob("bindings/*/Cargo.toml")):
    text = manifest.read_text()
    if "version.workspace = true" not in text:
        problems.append(f"{manifest.relative_to(root)}: its version is not the workspace's")

# The crates depend on each other at exactly the workspace version (they are published together).
for name, want in re.findall(r'^(partner-webhooks[a-z-]*) = \{ path = "[^"]+", version = "=([^"]+)"', workspace, re.M):
    if want != version:
        problems.append(f"Cargo.toml: workspace dependency {name} = {want} (workspace: {version})")
if len(re.findall(r'^partner-webhooks[a-z-]* = \{ path = "[^"]+", version = "=', workspace, re.M)) != 3:
    problems.append("Cargo.toml: each partner-webhooks* workspace dependency needs version = \"=<workspace version>\"")

pyproject = (root / "python/pyproject.toml").read_text()
if not re.search(r'^dynamic = \[.*"version".*\]', pyproject, re.M):
    problems.append("python/pyproject.toml: the version must be dynamic (maturin takes it from Cargo.toml)")

package = json.loads((root / "node/package.json").read_text())
if package["version"] != version:
    problems.append(f"node/package.json: {package['version']} (workspace: {version})")
for found in set(re.findall(r"bindingPackageVersion !== '([^']+)'", (root / "node/native.js").read_text())):
    if found != version:
        problems.append(f"node/native.js checks platform packages for {found} (workspace: {version}): rebuild it")

checked = []
if dist.is_dir():
    for wheel in sorted(dist.glob("python/*.whl")):
        if not wheel.name.startswith(f"partner_webhooks-{version}-"):
            problems.append(f"{wheel.name}: not version {version}")
        checked.append(wheel.name)
    for sdist in sorted(dist.glob("python/*.tar.gz")):
        if sdist.name != f"partner_webhooks-{version}.tar.gz":
            problems.append(f"{sdist.name}: not version {version}")
        checked.append(sdist.name)
    for tgz in sorted(dist.glob("npm/*.tgz")):
        with tarfile.open(tgz) as t:
            pkg = json.load(t.extractfile("package/package.json"))
        if pkg["version"] != version:
            problems.append(f"{tgz.name}: {pkg['name']} {pkg['version']} (workspace: {version})")
        for dep, want in pkg.get("optionalDependencies", {}).items():
            if want != version:
                problems.append(f"{tgz.name}: optional dependency {dep}@{want}")
        checked.append(tgz.name)
    for archive in sorted(dist.glob("cli/partner-webhooks-*")):
        if archive.name != "SHA256SUMS" and not archive.name.startswith(f"partner-webhooks-{version}-"):
            problems.append(f"{archive.name}: not version {version}")
        checked.append(archive.name)
    for pom in sorted(dist.glob("jvm/*.pom")):
        if f"<version>{version}</version>" not in pom.read_text():
            problems.append(f"{pom.name}: not version {version}")
        checked.append(pom.name)
    for jar in sorted(dist.glob("jvm/*.jar")):
        with zipfile.ZipFile(jar) as z:
            manifest = z.read("META-INF/MANIFEST.MF").decode()
        if f"Implementation-Version: {version}" not in manifest:
            problems.append(f"{jar.name}: its manifest does not say version {version}")
        checked.append(jar.name)

for p in problems:
    print(f"check-versions: {p}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"check-versions: {version} everywhere (manifests, pyproject, package.json, native.js"
      + (f", {len(checked)} artifacts in target/dist" if checked else "") + ")")
