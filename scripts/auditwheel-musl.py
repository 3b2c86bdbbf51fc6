"""`auditwheel show` for a musllinux wheel on this glibc machine.

auditwheel takes the wheel's libc (musl) from its file name, but then looks
for the libraries it needs with the host's search path and, when no ELF file
names `ld-musl-*`, asks the host for the musl version, which it finds only in
Alpine's layout (`/lib/libc.musl-*.so.1`). This wrapper gives it Debian's musl
1.2.3, unpacked by scripts/musl-roots.sh (nothing installed on the host): the
search path is the musl of the wheel's architecture and the version comes from
running the x86_64 musl loader. Everything else, the musllinux policy (allowed
libraries, symbol versions, the musl version), the ELF architecture check and
the library tree, is auditwheel's own `show`.

Usage: target/venv-dist/bin/python scripts/auditwheel-musl.py WHEEL MUSL_ROOTS
"""

import os
import sys
from pathlib import Path

from auditwheel import lddtree, libc

wheel, roots = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
arch = "aarch64" if "aarch64" in wheel.name else "x86_64"
search = roots / arch / "lib" / f"{arch}-linux-musl"
loader = roots / "x86_64" / "lib" / "ld-musl-x86_64.so.1"
for path in (search / "libc.so", loader):
    if not path.exists():
        sys.exit(f"{path} is missing: run scripts/musl-roots.sh {roots}")

os.environ["AUDITWHEEL_LD_LIBRARY_PATH"] = str(search)
libc._find_musl_libc = lambda: loader
libc.Libc.detect = staticmethod(lambda: libc.Libc.MUSL)
# A tree whose ELF files name no libc (they need musl's `libc.so`) is musl's.
_load_ld_paths = lddtree.load_ld_paths
lddtree.load_ld_paths = lambda libc_=None, *args, **kwargs: _load_ld_paths(libc_ or libc.Libc.MUSL, *args, **kwargs)

from auditwheel.main import main  # noqa: E402  (after the patch, on purpose)

sys.argv = ["auditwheel", "show", str(wheel)]
sys.exit(main())
