"""The offline bundle: one archive that installs the dashboard on a server with no network.

    python -m ops.bundle lock     (make lock)    pin every runtime wheel with its SHA-256
    python -m ops.bundle check                   the lock still pins what requirements.txt does
    python -m ops.bundle build    (make bundle)  build/heze-dashboard-<version>.tar.gz

``requirements.lock`` holds the runtime requirements (requirements.txt) and everything they
depend on, each pinned to one version with the hash of its wheel for the target: Linux
x86_64, glibc 2.28 or newer, CPython 3.11. Versions are those of the development
environment (the ones the tests ran against), so what ships is what was tested. pip itself
is locked too: the installer runs it from its wheel, so the server needs no pip of its own.

The archive holds one folder ``heze-dashboard-<version>/``:

    install.sh          the installer (deploy/install.sh)
    VERSION             version, commit, build time, bundle id
    SHA256SUMS          every file's hash; install.sh checks them first
    requirements.lock   what install.sh installs, with --require-hashes
    wheels/             exactly the locked wheels, nothing else
    app.py, pages/, …   the application: the files tracked in git, without tests/, bench/ and CI

Building needs the package index once (wheels are cached in build/wheels/); installing
needs nothing from the network.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from core.errors import BilingualError
from core.settings import PROJECT_DIR

NAME = "heze-dashboard"
LOCK = PROJECT_DIR / "requirements.lock"
REQUIREMENTS = PROJECT_DIR / "requirements.txt"
WHEEL_CACHE = PROJECT_DIR / "build" / "wheels"
OUT_DIR = PROJECT_DIR / "build"
INSTALLER = PROJECT_DIR / "deploy" / "install.sh"
# The oldest glibc the chosen wheels may need: Debian 10+, Ubuntu 18.10+, RHEL/Kylin 8+.
GLIBC = (2, 28)
PYTHON = "3.11"
# Tracked files a server does not need.
EXCLUDED_DIRS = ("tests/", "bench/", ".ci/")
EXCLUDED_FILES = {".gitignore", "requirements-dev.txt", "docs/screenshots.py"}


def version() -> str:
    """The release version, from pyproject.toml."""
    data = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["version"]


def platform_args() -> list[str]:
    """pip options choosing wheels for the target, whatever machine builds the bundle."""
    args = ["--only-binary=:all:", "--python-version", PYTHON, "--implementation", "cp",
            "--abi", "cp" + PYTHON.replace(".", ""), "--abi", "abi3", "--abi", "none"]
    for minor in range(GLIBC[1], 16, -1):
        args += ["--platform", f"manylinux_2_{minor}_x86_64"]
    for legacy in ("manylinux2014", "manylinux2010", "manylinux1"):
        args += ["--platform", f"{legacy}_x86_64"]
    return args


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class BundleError(BilingualError, RuntimeError):
    pass


# -- the lock ------------------------------------------------------------------------------
@dataclass
class Pin:
    name: str
    version: str
    hashes: list[str] = field(default_factory=list)


_WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$")


def wheel_pin(path: Path) -> Pin:
    match = _WHEEL.match(path.name)
    if not match:
        raise BundleError("error.bundle.bad_wheel_name", name=path.name)
    return Pin(canonical(match["name"]), match["version"], [sha256(path)])


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_pins(path: Path) -> dict[str, Pin]:
    """name==version lines (with or without --hash options and continuation lines)."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    pins: dict[str, Pin] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        spec, *options = line.split()
        name, sep, ver = spec.partition("==")
        if not sep:
            raise BundleError("error.bundle.not_pinned", name=path.name, spec=spec)
        hashes = [o.split("sha256:", 1)[1] for o in options if o.startswith("--hash=sha256:")]
        pins[canonical(name.split("[")[0])] = Pin(canonical(name.split("[")[0]), ver.strip(),
                                                  hashes)
    return pins


def lock_problems(requirements: Path = REQUIREMENTS, lock: Path = LOCK) -> list[str]:
    """What the lock does not pin as requirements.txt does (empty when it is current)."""
    if not lock.exists():
        return [f"{lock.name} missing"]
    wanted = read_pins(requirements)
    locked = read_pins(lock)
    problems = []
    for name, pin in wanted.items():
        got = locked.get(name)
        if got is None:
            problems.append(f"{pin.name}=={pin.version} is not in {lock.name}")
        elif got.version != pin.version:
            problems.append(f"{pin.name}: {requirements.name} says {pin.version}, "
                            f"{lock.name} {got.version}")
        elif not got.hashes:
            problems.append(f"{pin.name} has no hash in {lock.name}")
    if "pip" not in locked:
        problems.append(f"pip is not in {lock.name} (the installer runs it from its wheel)")
    return problems


def _pip(*args: str, cwd: Path | None = None) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        raise BundleError("error.bundle.pip_failed", stdout=result.stdout[-3000:],
                          stderr=result.stderr[-3000:])


def _installed_versions() -> str:
    """The development environment's versions, as pip constraints."""
    out = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "freeze",
                          "--all", "--exclude-editable"], capture_output=True, text=True,
                         check=True).stdout
    return "\n".join(line for line in out.splitlines() if "==" in line) + "\n"


def write_lock(requirements: Path = REQUIREMENTS, lock: Path = LOCK,
               cache: Path = WHEEL_CACHE) -> dict[str, Pin]:
    """Resolve requirements.txt for the target at the development environment's versions,
    download the wheels into `cache` and write the lock with their hashes."""
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="heze-lock-") as tmp:
        tmp_dir = Path(tmp)
        constraints = tmp_dir / "constraints.txt"
        constraints.write_text(_installed_versions(), encoding="utf-8")
        pip_version = _pip_version()
        log(f"resolving {requirements.name} for CPython {PYTHON}, Linux x86_64, glibc "
            f"{GLIBC[0]}.{GLIBC[1]}+ …")
        _pip("download", "-q", "-r", str(requirements), "-c", str(constraints),
             "-d", str(tmp_dir / "wheels"), *platform_args())
        _pip("download", "-q", "--no-deps", f"pip=={pip_version}", "-d", str(tmp_dir / "wheels"),
             *platform_args())
        pins: dict[str, Pin] = {}
        for wheel in sorted((tmp_dir / "wheels").glob("*.whl")):
            pin = wheel_pin(wheel)
            pins[pin.name] = pin
            target = cache / wheel.name
            if not target.exists():
                os.replace(wheel, target)
    lines = ["# 运行时依赖及其全部传递依赖，均固定版本并附 wheel 的 SHA-256。",
             "# Runtime requirements and everything they need, each pinned with its wheel's "
             "SHA-256,",
             f"# for Linux x86_64 (glibc {GLIBC[0]}.{GLIBC[1]}+) and CPython {PYTHON}. "
             "Written by `make lock` from",
             "# requirements.txt at the development environment's versions; do not edit.",
             "# The bundle installs exactly this: pip install --no-index --require-hashes "
             "-r requirements.lock"]
    for name in sorted(pins):
        pin = pins[name]
        lines.append(f"{pin.name}=={pin.version} \\")
        lines.append("    " + " \\\n    ".join(f"--hash=sha256:{h}" for h in pin.hashes))
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = lock_problems(requirements, lock)
    if problems:
        raise BundleError("error.bundle.lock_mismatch", problems="\n  ".join(problems))
    log(f"{lock.name}: {len(pins)} wheels")
    return pins


def _pip_version() -> str:
    import pip

    return pip.__version__


def fetch_wheels(lock: Path = LOCK, cache: Path = WHEEL_CACHE) -> list[Path]:
    """The locked wheels, from the cache or downloaded (checked against the lock's hashes)."""
    pins = read_pins(lock)
    cache.mkdir(parents=True, exist_ok=True)
    by_hash: dict[str, Path] = {}
    for wheel in cache.glob("*.whl"):
        by_hash.setdefault(sha256(wheel), wheel)
    missing = [p for p in pins.values() if not any(h in by_hash for h in p.hashes)]
    if missing:
        log(f"downloading {len(missing)} wheels into {cache} …")
        with tempfile.TemporaryDirectory(prefix="heze-wheels-") as tmp:
            part = Path(tmp) / "missing.lock"
            part.write_text("".join(
                f"{p.name}=={p.version} " + " ".join(f"--hash=sha256:{h}" for h in p.hashes)
                + "\n" for p in missing), encoding="utf-8")
            _pip("download", "-q", "--no-deps", "--require-hashes", "-r", str(part),
                 "-d", str(cache), *platform_args())
        for wheel in cache.glob("*.whl"):
            by_hash.setdefault(sha256(wheel), wheel)
    chosen = []
    for pin in pins.values():
        found = next((by_hash[h] for h in pin.hashes if h in by_hash), None)
        if found is None:
            raise BundleError("error.bundle.wheel_missing", name=pin.name, version=pin.version)
        chosen.append(found)
    return sorted(chosen)


# -- the archive ---------------------------------------------------------------------------
def app_files(root: Path = PROJECT_DIR) -> list[str]:
    """The application's files: tracked in git, present, not tests, benchmarks or CI."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BundleError("error.bundle.not_git", exc=exc) from None
    files = []
    for name in out.decode().split("\0"):
        if not name or name.startswith(EXCLUDED_DIRS) or name in EXCLUDED_FILES:
            continue
        if not (root / name).is_file():
            raise BundleError("error.bundle.tracked_missing", name=name)
        files.append(name)
    return sorted(files)


def _commit(root: Path) -> str:
    result = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root,
                            capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                           capture_output=True, text=True).stdout.strip()
    return (result.stdout.strip() or "unknown") + ("-modified" if dirty else "")


def build(out_dir: Path = OUT_DIR, cache: Path = WHEEL_CACHE, root: Path = PROJECT_DIR,
          lock: Path = LOCK) -> Path:
    """Write <out_dir>/heze-dashboard-<version>.tar.gz and return its path."""
    started = time.monotonic()
    problems = lock_problems(root / "requirements.txt", lock)
    if problems:
        raise BundleError("error.bundle.lock_outdated", problems="\n  ".join(problems))
    wheels = fetch_wheels(lock, cache)
    ver = version()
    top = f"{NAME}-{ver}"
    members: list[tuple[str, Path | bytes, int]] = []  # (name in archive, source, mode)
    for name in app_files(root):
        source = root / name
        members.append((name, source, 0o755 if os.access(source, os.X_OK) else 0o644))
    members.append(("install.sh", root / "deploy" / "install.sh", 0o755))
    members.append(("requirements.lock", lock, 0o644))
    for wheel in wheels:
        members.append((f"wheels/{wheel.name}", wheel, 0o644))
    sums = []
    for name, source, _mode in members:
        sums.append(f"{sha256(source)}  {name}")
    sums_text = "\n".join(sums) + "\n"
    bundle_id = hashlib.sha256(sums_text.encode()).hexdigest()[:16]
    info = {"name": NAME, "version": ver, "commit": _commit(root),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "bundle_id": bundle_id, "python": PYTHON,
            "platform": f"linux x86_64, glibc {GLIBC[0]}.{GLIBC[1]}+",
            "wheels": len(wheels)}
    version_text = "".join(f"{k}={v}\n" for k, v in info.items())
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{top}.tar.gz"
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    try:
        # Wheels are zip files already; a light gzip level costs little and saves little more.
        with tarfile.open(tmp, "w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, f"{top}/VERSION", version_text.encode(), 0o644)
            _add_bytes(tar, f"{top}/SHA256SUMS", sums_text.encode(), 0o644)
            for name, source, mode in members:
                info_ = tar.gettarinfo(str(source), arcname=f"{top}/{name}")
                info_.mode, info_.uid, info_.gid, info_.uname, info_.gname = mode, 0, 0, "", ""
                with open(source, "rb") as fh:
                    tar.addfile(info_, fh)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    size = target.stat().st_size
    wheel_bytes = sum(w.stat().st_size for w in wheels)
    log(f"{target.relative_to(root) if target.is_relative_to(root) else target}: "
        f"{size / 2**20:.1f} MiB ({len(members) - len(wheels) - 2} application files, "
        f"{len(wheels)} wheels of {wheel_bytes / 2**20:.1f} MiB) in "
        f"{time.monotonic() - started:.0f} s")
    print(json.dumps({"path": str(target), "bytes": size, **info}, ensure_ascii=False))
    return target


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.bundle",
                                     description="离线安装包 / the offline bundle")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("lock", help="生成 requirements.lock / write requirements.lock")
    sub.add_parser("check", help="检查锁定文件是否最新 / is the lock current")
    b = sub.add_parser("build", help="构建安装包 / build the bundle")
    b.add_argument("--out", type=Path, default=OUT_DIR, help="输出目录 / output folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "lock":
            write_lock()
        elif args.command == "check":
            problems = lock_problems()
            if problems:
                print("requirements.lock 已过期，请运行 make lock / requirements.lock is out of "
                      "date, run `make lock`:\n  " + "\n  ".join(problems), file=sys.stderr)
                return 1
            print("requirements.lock 与 requirements.txt 一致 / requirements.lock is current")
        else:
            build(args.out)
    except BundleError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
