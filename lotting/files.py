"""Write an output folder whole or not at all, and never over an input file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from lotting.errors import InputError

Writer = Callable[[Path], object]


def write_folder(out: Path, files: dict[str, Writer], inputs: tuple[Path, ...] = ()) -> Path:
    """Write each named file with its writer into a temporary folder, then move them into ``out``.

    Nothing in ``out`` changes unless every file was written; an output that would replace one of
    ``inputs`` is refused before anything is written. A writer may make a sub-folder (its name is
    then a folder's), which replaces the one already in ``out`` whole.
    """
    out = Path(out)
    protected = {p.resolve() for p in inputs}
    for name in files:
        if (out / name).resolve() in protected:
            raise InputError(f"refusing to overwrite the input file {out / name}.", file=str(out))
    if out.exists() and not out.is_dir():
        raise InputError("the output path exists and is not a folder.", file=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for name, writer in files.items():
            writer(tmp / name)
        if not out.exists():
            os.replace(tmp, out)
        else:
            for name in files:
                _replace(tmp / name, out / name, tmp)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def _replace(new: Path, target: Path, tmp: Path) -> None:
    """Move ``new`` to ``target``; a sub-folder already there is swapped out whole, then removed."""
    if new.is_dir() and target.is_dir():
        old = tmp / f".{target.name}-old"
        os.replace(target, old)
    os.replace(new, target)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """A DataFrame as UTF-8 CSV with Unix line ends and no index."""
    df.to_csv(path, index=False, lineterminator="\n")
