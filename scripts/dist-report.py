"""Inspects every artifact `scripts/dist.sh` wrote and prints a Markdown
report: size, file format and architecture of each native library (from
`file`), the entry symbol its loader needs (from `llvm-nm`), the platform tag
`auditwheel show` confirms for Linux wheels, and the SHA-256 sums of the CLI
archives. Usage: python3 scripts/dist-report.py target/dist > REPORT.md"""

import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

dist = Path(sys.argv[1])
venv = dist.parent / "venv-dist" / "bin"
rows = []


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def describe(data: bytes, name: str, symbol: str | None) -> str:
    """`file` output and, for a library, whether `symbol` is exported."""
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as f:
        f.write(data)
        f.flush()
        kind = subprocess.run(["file", "-b", f.name], capture_output=True, text=True).stdout.strip()
        kind = kind.split(", BuildID")[0].split(", with debug_info")[0]
        found = ""
        if symbol:
            names = set()
            # ELF: the dynamic table (the libraries are stripped); Mach-O and PE: the exports.
            for args in (["-D", "--defined-only"], ["--extern-only", "--defined-only"]):
                nm = subprocess.run(["llvm-nm", *args, f.name], capture_output=True, text=True)
                names |= {line.split()[-1].lstrip("_") for line in nm.stdout.splitlines() if line.strip()}
            if kind.startswith("PE32"):  # a DLL's export table
                dump = subprocess.run(["llvm-objdump", "-p", f.name], capture_output=True, text=True).stdout
                table = dump.split("Export Table:", 1)[-1] if "Export Table:" in dump else ""
                names |= {line.split()[-1] for line in table.splitlines()[4:] if len(line.split()) >= 3}
            count = sum(1 for n in names if n.startswith(symbol.rstrip("*"))) if symbol.endswith("*") else int(symbol in names)
            found = f"; exports `{symbol}`" + (f" ({count})" if symbol.endswith("*") else "") if count else f"; **`{symbol}` missing**"
    return kind + found


def auditwheel(path: Path) -> str:
    # musllinux: auditwheel told that Debian's musl is the host libc (scripts/auditwheel-musl.py).
    if "musllinux" in path.name:
        cmd = [str(venv / "python"), str(Path(__file__).with_name("auditwheel-musl.py")), str(path), str(dist.parent / "musl-roots")]
    else:
        cmd = [str(venv / "auditwheel"), "show", str(path)]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    text = " ".join(out.split())
    marker = "is consistent with the following platform tag:"
    return text.split(marker)[1].split(".")[0].strip().strip('"') if marker in text else "—"


for wheel in sorted(dist.glob("python/*.whl")):
    with zipfile.ZipFile(wheel) as z:
        [lib] = [n for n in z.namelist() if "/_native" in n and not n.endswith(".pyi")]
        kind = describe(z.read(lib), lib, "PyInit__native")
    tag = auditwheel(wheel) if "linux" in wheel.name else "—"
    rows.append(("Python wheel", wheel.name, mb(wheel.stat().st_size), kind, f"auditwheel: {tag}" if tag != "—" else ""))
for sdist in sorted(dist.glob("python/*.tar.gz")):
    rows.append(("Python sdist", sdist.name, mb(sdist.stat().st_size), "source", ""))

for tgz in sorted(dist.glob("npm/*.tgz")):
    with tarfile.open(tgz) as t:
        nodes = [m for m in t.getmembers() if m.name.endswith(".node")]
        if nodes:
            kind = describe(t.extractfile(nodes[0]).read(), nodes[0].name, "napi_register_module_v1")
        else:
            kind = "JavaScript, TypeScript declarations"
    rows.append(("npm package", tgz.name, mb(tgz.stat().st_size), kind, ""))

sums = {}
if (dist / "cli" / "SHA256SUMS").exists():
    for line in (dist / "cli" / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        sums[name] = digest
for archive in sorted(p for p in dist.glob("cli/partner-webhooks-*") if p.name != "SHA256SUMS"):
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as z:
            [binary] = [n for n in z.namelist() if n.endswith(".exe")]
            data = z.read(binary)
    else:
        with tarfile.open(archive) as t:
            [binary] = [m for m in t.getmembers() if m.name.endswith("/partner-webhooks")]
            data = t.extractfile(binary).read()
    ok = hashlib.sha256(archive.read_bytes()).hexdigest() == sums.get(archive.name)
    rows.append(("CLI", archive.name, mb(archive.stat().st_size), describe(data, "cli", None),
                 "SHA-256 matches SHA256SUMS" if ok else "**SHA-256 mismatch**"))

for jar in sorted(dist.glob("jvm/*.jar")):
    with zipfile.ZipFile(jar) as z:
        libs = [n for n in z.namelist() if n.endswith((".so", ".dylib", ".dll"))]
        parts = [f"`{n}`: {describe(z.read(n), n, 'uniffi_partner_webhooks_uniffi_fn_*')}" for n in sorted(libs)]
    rows.append(("JVM jar", jar.name, mb(jar.stat().st_size), "<br>".join(parts), "POM beside it" if jar.with_suffix(".pom").exists() else "**no POM**"))

# Issue 13's budget for the app-side library, per target.
MOBILE_BUDGET = 3_000_000
for lib in sorted(dist.glob("mobile/*/*")):
    size = lib.stat().st_size
    budget = f"{size:,} B: within the 3 MB budget" if size <= MOBILE_BUDGET else f"**{size:,} B: over the 3 MB budget**"
    rows.append(("mobile (no sandbox)", f"{lib.parent.name}/{lib.name}", mb(size),
                 describe(lib.read_bytes(), lib.name, None if lib.suffix == ".a" else "uniffi_partner_webhooks_uniffi_fn_*"), budget))

print("| artifact | file | size | format (file, llvm-nm) | check |")
print("|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
