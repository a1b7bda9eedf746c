"""Write a command's output folder whole or not at all, and never over an input file.

The folder holds exactly what the command's last run wrote, beside any files the user put there:
a manifest (:data:`MANIFEST`, one JSON object: command -> the names it wrote last) says which
files are lotting's, so a file the last run did not write (an old map.png) is removed and a
user's own file is kept. Runs into one folder take turns under an exclusive lock (``fcntl``), so
two at once leave one run's complete set, never a mix. Everything is written into a temporary
folder beside the output first; an ``OSError`` on the way is an :class:`InputError` naming the
folder (exit 2), and :func:`check_folder` finds most of them before any work is done.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from lotting.errors import InputError

Writer = Callable[[Path], object]

#: The file in an output folder listing what each command wrote there last.
MANIFEST = ".lotting-manifest"


def check_folder(out: Path, inputs: tuple[Path, ...] = (), names: tuple[str, ...] = ()) -> Path:
    """Check before any work that ``out`` can be the output folder: it is (or can be created
    as) a writable folder, it is not an input file, and none of ``names`` in it is one.

    Raises InputError naming the folder; creates nothing (a probe file is made and removed).
    """
    out = Path(out)
    protected = {p.resolve() for p in inputs}
    if out.resolve() in protected:
        raise InputError("the output folder is one of the input files.", file=str(out))
    for name in names:
        if (out / name).resolve() in protected:
            raise InputError(f"refusing to overwrite the input file {out / name}.", file=str(out))
    if out.exists() and not out.is_dir():
        raise InputError("the output path exists and is not a folder.", file=str(out))
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(
            f"the output folder cannot be created: {existing} is a file, not a folder.",
            file=str(out),
        )
    try:
        with tempfile.NamedTemporaryFile(prefix=".lotting-probe-", dir=existing):
            pass
    except OSError as err:
        raise InputError(
            f"the output folder cannot be written ({err.strerror or err}); choose another "
            "with --out DIR.",
            file=str(out),
        ) from None
    return out


def write_folder(
    out: Path,
    files: dict[str, Writer],
    inputs: tuple[Path, ...] = (),
    command: str = "lotting",
) -> Path:
    """Write each named file with its writer, then make them the folder's outputs of ``command``.

    Nothing in ``out`` changes unless every file was written; an output that would replace one of
    ``inputs`` is refused before anything is written. Files that ``command`` wrote into ``out``
    last time and does not write now are removed (other commands' and the user's are kept).
    A name may hold sub-folders (``"scenarios/a/plan.json"``), or be a folder its writer makes,
    which replaces the one already in ``out`` whole.
    """
    out = Path(out)
    check_folder(out, inputs, tuple(files))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    except OSError as err:
        raise _unwritable(out, err) from None
    try:
        for name, writer in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            writer(tmp / name)
        with _locked(out):
            _install(tmp, out, sorted(files), command)
    except OSError as err:
        raise _unwritable(out, err) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def _unwritable(out: Path, err: OSError) -> InputError:
    """The exit-2 error for an output folder the system refused."""
    return InputError(
        f"the output folder cannot be written ({err.strerror or err}).", file=str(out)
    )


def _install(tmp: Path, out: Path, names: list[str], command: str) -> None:
    """Move the written files into ``out`` (under the lock), drop the command's stale files and
    record the new set. A new folder gets the usual permissions, not mkdtemp's 0700."""
    if not out.exists():
        os.makedirs(out)  # the user's umask, like any folder they make
    manifest = _read_manifest(out)
    for stale in sorted(set(manifest.get(command, [])) - set(names)):
        path = out / stale
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    for name in names:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(tmp / name, target)
    manifest[command] = names
    text = json.dumps(dict(sorted(manifest.items())), indent=2) + "\n"
    (tmp / MANIFEST).write_text(text, encoding="utf-8")
    os.replace(tmp / MANIFEST, out / MANIFEST)


def _read_manifest(out: Path) -> dict[str, list[str]]:
    """What each command wrote into ``out`` last (empty when there is no readable manifest)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(k): [str(n) for n in v if ".." not in Path(str(n)).parts]
        for k, v in data.items()
        if isinstance(v, list)
    }


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` while its outputs are swapped; the lock file sits beside
    it and is removed after (a waiter re-opens it if it was replaced while it waited)."""
    lock = out.parent / f".{out.name}.lotting-lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.fstat(fd).st_ino == os.stat(lock).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder removed it: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """A DataFrame as UTF-8 CSV with Unix line ends and no index."""
    df.to_csv(path, index=False, lineterminator="\n")
