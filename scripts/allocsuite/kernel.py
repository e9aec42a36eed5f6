# SPDX-License-Identifier: GPL-2.0
"""The kernel under test: its source, its build for a target's
architecture, and what the project builds against it (modules and
kselftests)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator, Optional

from util import UsageError, Failure, progress, run_logged

DEFAULT_PACKAGE = 'linux-source-6.12'
DEFAULT_TARBALL = Path('/usr/src/linux-source-6.12.tar.xz')
MIN_VERSION = (6, 1)


def cache_root() -> Path:
    """Where kernel sources, builds and ccache live, shared by every clone."""
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(Path.home(), '.cache')
    return Path(base) / 'allocsuite'


def tree_version(kdir: Path) -> Optional[tuple[int, int, int]]:
    """(VERSION, PATCHLEVEL, SUBLEVEL) from a tree's Makefile, or None."""
    try:
        head = (kdir / 'Makefile').read_text(errors='replace')[:2000]
    except OSError:
        return None
    fields = {}
    for key in ('VERSION', 'PATCHLEVEL', 'SUBLEVEL'):
        m = re.search(rf'^{key} = (\d+)$', head, re.M)
        if not m:
            return None
        fields[key] = int(m.group(1))
    return fields['VERSION'], fields['PATCHLEVEL'], fields['SUBLEVEL']


def check_tree(kdir: Path) -> tuple[int, int, int]:
    """Validate KDIR: a kernel source tree, 6.1 or newer, with kunit.py."""
    if not kdir.is_dir():
        raise UsageError(f'KDIR={kdir} is not a directory; expected a kernel source tree')
    version = tree_version(kdir)
    if version is None or not (kdir / 'Kconfig').is_file():
        raise UsageError(f'KDIR={kdir} is not a kernel source tree '
                         '(no top-level Makefile with VERSION/PATCHLEVEL and Kconfig)')
    if version[:2] < MIN_VERSION:
        raise UsageError(f'KDIR={kdir} is Linux {version[0]}.{version[1]}; '
                         f'expected {MIN_VERSION[0]}.{MIN_VERSION[1]} or newer')
    for needed in ('tools/testing/kunit/kunit.py',
                   'tools/testing/selftests/kselftest_harness.h'):
        if not (kdir / needed).is_file():
            raise UsageError(f'KDIR={kdir} has no {needed}; expected a full kernel source tree')
    if (kdir / '.config').exists():
        raise UsageError(f'KDIR={kdir} has a .config: the tree must be clean for an '
                         'out-of-tree build (run "make mrproper" there)')
    return version


def compat_patches() -> list[Path]:
    """Fixes the default tree needs to run on this kind of host (not
    seeded bugs): configs/patches/*.patch, applied at extraction."""
    return sorted((Path(__file__).resolve().parents[2] / 'configs' / 'patches').glob('*.patch'))


def default_tree() -> Path:
    """Debian's linux-source-6.12, extracted once into the cache, with the
    compatibility patches of configs/patches applied."""
    if not DEFAULT_TARBALL.is_file():
        raise Failure(f'{DEFAULT_TARBALL} is missing: install {DEFAULT_PACKAGE}')
    pkg = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', DEFAULT_PACKAGE],
                         capture_output=True, text=True, check=False).stdout.strip()
    src_root = cache_root() / 'src'
    patches = compat_patches()
    digest = hashlib.sha256(b''.join(p.read_bytes() for p in patches)).hexdigest()[:12]
    # Name the tree after the kernel version and key it to the package
    # version and the patches, so that an upgraded package or a changed
    # patch is extracted anew.
    marker_name = f'.{DEFAULT_PACKAGE}_{pkg or "unknown"}_{digest}'
    for tree in src_root.glob('linux-*'):
        if (tree / marker_name).exists():
            return tree
    src_root.mkdir(parents=True, exist_ok=True)
    # One extraction at a time: without the lock, every run that starts
    # during an extraction sees no marker, deletes the tree another run
    # just finished (under its builds) and extracts it again.
    with open(src_root / '.extract-lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for tree in src_root.glob('linux-*'):
            if (tree / marker_name).exists():
                return tree
        return _extract(src_root, pkg, marker_name, patches)


def _extract(src_root: Path, pkg: str, marker_name: str, patches: list[Path]) -> Path:
    """Extract the default tarball into @src_root and apply @patches
    (under the extract lock)."""
    progress(f'extracting {DEFAULT_TARBALL.name} ({pkg}) into {src_root}')
    tmp = src_root / f'.extract-{os.getpid()}'
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    subprocess.run(['tar', '-xf', str(DEFAULT_TARBALL), '-C', str(tmp)], check=True)
    (top,) = list(tmp.iterdir())
    version = tree_version(top)
    if version is None:
        raise Failure(f'{DEFAULT_TARBALL} does not hold a kernel tree')
    for patch in patches:
        progress(f'  applying {patch.name}')
        with open(patch, 'rb') as f:
            if subprocess.run(['patch', '-p1', '--quiet', '--no-backup-if-mismatch'],
                              stdin=f, cwd=top, check=False).returncode:
                raise Failure(f'{patch} does not apply to {DEFAULT_TARBALL}')
    final = src_root / 'linux-{}.{}.{}'.format(*version)
    if final.exists():
        shutil.rmtree(final)
    # Marked before it gets its name: a tree under that name is complete.
    (top / marker_name).touch()
    top.rename(final)
    tmp.rmdir()
    return final


def is_default_tree(kdir: Path) -> bool:
    """Whether @kdir is the Debian tree the cache extracted (default_tree)."""
    kdir = kdir.resolve()
    return kdir.parent == (cache_root() / 'src').resolve() and \
        any(kdir.glob(f'.{DEFAULT_PACKAGE}_*'))


def tree_digest(kdir: Path) -> str:
    """A digest of a tree's resolved path, the same in every process (unlike
    hash(), which Python salts per process)."""
    return hashlib.sha256(str(kdir.resolve()).encode()).hexdigest()[:12]


def build_dir(kdir: Path, config: str, root: Optional[Path] = None,
              arch: str = 'um') -> Path:
    """The kernel build folder of a tree, architecture and config, when
    BUILD_DIR is not given: <root>/<tree>-<arch>-<config> for the default
    tree, and <root>/<tree>-<digest of its path>-<arch>-<config> for any
    other tree, so that the next run on the same KDIR builds incrementally
    in the same folder. @root defaults to the cache's build/. A UML folder
    of the naming before architectures (no <arch>) is renamed to this,
    its old name left as a link to it for checkouts of before."""
    root = root if root is not None else cache_root() / 'build'
    kdir = kdir.resolve()
    stem = kdir.name if is_default_tree(kdir) else f'{kdir.name}-{tree_digest(kdir)}'
    path = root / f'{stem}-{arch}-{config}'
    legacy = root / f'{stem}-{config}'
    if arch == 'um' and not path.exists() and not legacy.is_symlink() and \
            (legacy / 'linux').is_file():
        with contextlib.suppress(OSError):
            legacy.rename(path)
            legacy.symlink_to(path.name)
    return path


def fragments(repo: Path, config: str, arch_frags: list[Path]) -> list[Path]:
    """The config fragments of CONFIG=<name>: base, the target's
    (@arch_frags, configs/arch/), then <name> on top."""
    available = sorted(p.stem for p in (repo / 'configs').glob('*.config'))
    if config not in available:
        raise UsageError(f'CONFIG={config} is unknown; expected one of: {", ".join(available)}')
    frags = [repo / 'configs' / 'base.config'] + arch_frags
    if config != 'base':
        frags.append(repo / 'configs' / f'{config}.config')
    return frags


def ccache_env(env: dict[str, str]) -> dict[str, str]:
    """The environment for builds: ccache in the shared cache."""
    env = dict(env)
    env.setdefault('CCACHE_DIR', str(cache_root() / 'ccache'))
    # Relative paths below the cache let scratch copies of the default
    # tree (negative controls) reuse the default build's objects.
    env.setdefault('CCACHE_BASEDIR', str(cache_root()))
    env.setdefault('CCACHE_NOHASHDIR', '1')
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    return env


def compiler() -> str:
    """CC for the kernel and its modules: ccache when it is there."""
    return 'ccache gcc' if shutil.which('ccache') else 'gcc'


STATS = '.allocsuite-build-stats.json'


def _objects(build_dir: Path, since: float = 0.0) -> list[Path]:
    """The objects of a build folder (changed since @since); files and
    folders that a build running meanwhile removes are skipped."""
    found = []
    for root, _, files in os.walk(build_dir):
        for name in files:
            if not name.endswith('.o'):
                continue
            path = Path(root) / name
            try:
                if not since or path.stat().st_mtime >= since:
                    found.append(path)
            except FileNotFoundError:
                continue
    return found


def build_plan(kdir: Path, build_dir: Path) -> tuple[Optional[int], str]:
    """(objects to compile, how that was estimated) before a kernel build:
    for a folder built before, each object older than its .c source (what
    depends on a changed header is not counted: said so); for a new
    folder, the objects of the last complete build of any folder of the
    cache with the same config name."""
    objs = _objects(build_dir)
    if objs and (build_dir / 'vmlinux').is_file():
        stale = 0
        for o in objs:
            src = kdir / o.relative_to(build_dir).with_suffix('.c')
            try:
                if src.stat().st_mtime > o.stat().st_mtime:
                    stale += 1
            except FileNotFoundError:
                continue
        return stale, 'the .c files changed since the last build; what depends on a ' \
            'changed header comes on top'
    arch_config = '-'.join(build_dir.name.rsplit('-', 2)[-2:])
    for other in sorted(build_dir.parent.glob(f'*-{arch_config}')):
        try:
            return json.loads((other / STATS).read_text())['objects'], \
                f'the last full build of {other.name}'
        except (OSError, ValueError, KeyError):
            continue
    return None, ''


def _watch_build(build_dir: Path, done: threading.Event, started: float,
                 todo: Optional[int], how: str) -> None:
    """Say every 30 s that the kernel build is alive, how far it got and,
    from the rate so far, how long it has left."""
    since = time.time()
    while not done.wait(30):
        objs = len(_objects(build_dir, since))
        secs = time.monotonic() - started
        if todo:
            left = max(todo - objs, 0)
            eta = f', about {left * secs / objs:.0f}s left' if objs and left else ''
            progress(f'  still building the kernel: {objs} of ~{todo} objects '
                     f'({min(objs * 100 // todo, 99)}%, estimated from {how}), '
                     f'{secs:.0f}s{eta}')
        else:
            progress(f'  still building the kernel: {objs} objects compiled, {secs:.0f}s')


def _save_stats(build_dir: Path) -> None:
    """Record how many objects a complete build has, for the next estimate."""
    (build_dir / STATS).write_text(json.dumps({'objects': len(_objects(build_dir))}) + '\n')


def build_kernel(kdir: Path, build_dir: Path, frags: list[Path], jobs: int,
                 arch: str = 'um', image: str = 'linux') -> None:
    """Build the kernel for @arch with kunit.py (its QEMU config for that
    arch adds the serial console); @image is the kernel file it makes,
    relative to @build_dir. kunit.py regenerates .config when the
    fragments change and make rebuilds what changed: with nothing changed
    this takes a few seconds."""
    build_dir.mkdir(parents=True, exist_ok=True)
    progress(f'building the {arch} kernel from {kdir} in {build_dir} '
             f'({", ".join(f"{f.parent.name}/{f.name}" for f in frags)}, -j{jobs})')
    cmd = [sys.executable, str(kdir / 'tools/testing/kunit/kunit.py'), 'build',
           f'--arch={arch}', f'--build_dir={build_dir}', f'--jobs={jobs}',
           f'--make_options=CC={compiler()}']
    cmd += [f'--kunitconfig={f}' for f in frags]
    todo, how = build_plan(kdir, build_dir)
    if todo is not None:
        progress(f'  {todo} objects to compile (estimated from {how})')
    started = time.monotonic()
    done = threading.Event()
    watcher = threading.Thread(target=_watch_build,
                               args=(build_dir, done, started, todo, how), daemon=True)
    watcher.start()
    log = build_dir / 'allocsuite-build.log'
    # One build at a time in a BUILD_DIR: two would trample each other's
    # objects.
    with open(build_dir / '.allocsuite-lock', 'w') as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress(f'waiting for another build in {build_dir} to finish')
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            ok = run_logged(cmd, log, cwd=kdir, env=ccache_env(dict(os.environ)))
        finally:
            done.set()
    if not ok or not (build_dir / image).is_file():
        sys.stdout.write(log.read_text(errors='replace')[-4000:])
        raise Failure(f'kernel build failed, see {log}')
    _save_stats(build_dir)
    progress(f'kernel ready in {time.monotonic() - started:.0f}s')


def checkout_build_dir(repo: Path, build_dir: Path) -> Path:
    """Where one checkout builds its modules and kselftests in a kernel
    build: checkouts sharing a BUILD_DIR never build over each other."""
    key = hashlib.sha1(str(repo).encode()).hexdigest()[:8]
    return build_dir / 'allocsuite' / f'{repo.name}-{key}'


def _sync_tree(src: Path, dst: Path) -> None:
    """Copy a source folder into the build: a file whose content changed
    gets a new time stamp, so that make rebuilds it even when the source
    went back in time; files no longer in the source are removed."""
    dst.mkdir(parents=True, exist_ok=True)
    keep = set()
    for path in src.rglob('*'):
        rel = path.relative_to(src)
        keep.add(rel)
        target = dst / rel
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif not target.is_file() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)
    for path in sorted(dst.rglob('*'), reverse=True):
        rel = path.relative_to(dst)
        suffix_ok = path.suffix in ('.c', '.h') or path.name in ('Makefile', 'Kbuild')
        if rel not in keep and suffix_ok and path.is_file():
            path.unlink()


def build_module(repo: Path, mods: Path, build_dir: Path, subdir: str, jobs: int,
                 extra: Optional[list[str]] = None, arch: str = 'um') -> Path:
    """Build one of the project's module folders against the kernel build,
    in @mods (see checkout_build_dir); returns the folder of the .ko files."""
    out = mods / subdir
    _sync_tree(repo / subdir, out)
    log = out / 'build.log'
    cmd = ['make', '-C', str(build_dir), f'M={out}', f'ARCH={arch}', f'CC={compiler()}',
           'W=1', f'-j{jobs}', 'modules'] + (extra or [])
    if not run_logged(cmd, log, env=ccache_env(dict(os.environ))):
        sys.stdout.write(log.read_text(errors='replace')[-4000:])
        raise Failure(f'building {subdir} failed, see {log}')
    show_warnings(log)
    return out


def show_warnings(log: Path) -> None:
    """Print the compiler warnings of a build log as progress lines."""
    for line in log.read_text(errors='replace').splitlines():
        if 'warning:' in line:
            progress(f'  {line}')


def build_kselftests(repo: Path, kdir: Path, mods: Path, jobs: int,
                     collections: list[str]) -> Path:
    """Build and install kselftest collections in @mods; returns the
    installed tree."""
    out = mods
    install = out / 'kselftest'
    shutil.rmtree(install, ignore_errors=True)
    log = out / 'kselftest-build.log'
    cmd = ['make', '-C', str(repo / 'kselftest'), f'-j{jobs}', f'KDIR={kdir}',
           f'COLLECTIONS={" ".join(collections)}',
           f'OUTPUT={out / "kselftest-build"}', 'install', f'INSTALL_PATH={install}']
    if not run_logged(cmd, log):
        sys.stdout.write(log.read_text(errors='replace')[-4000:])
        raise Failure(f'building the kselftests failed, see {log}')
    show_warnings(log)
    return install


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Hold the lock on a checkout's module build folder: two make checks
    never build the same module at once."""
    path.mkdir(parents=True, exist_ok=True)
    with open(path / '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
