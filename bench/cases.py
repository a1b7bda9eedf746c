"""The benchmark cases of issue 5: seeded generated contracts S, L, XL and the shipped example M.

Each size comes with contiguity (``-adj``: the adjacency table is used) and without (``-free``:
no adjacency file). Cases are written as CSV files into a folder and loaded with ``load_case``,
the same way a user's files are.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from uk import uk_frames

from lotting import Case, load_case
from lotting.generate import realistic_frames, write_frames

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "example"


@dataclass(frozen=True)
class Size:
    """One benchmark size: a generated contract (seed and shape) or the shipped example."""

    name: str
    units: int
    description: str
    seed: int | None = None
    n_areas: int = 0
    n_services: int = 0
    n_suppliers: int = 0
    repeats: int = 3
    time_factor: float = 1.0
    uk: bool = False  # bench/uk.py's generator instead of lotting.generate's


SIZES = {
    size.name: size
    for size in (
        Size("S", 20, "20 units: 10 areas × 2 services, 20 suppliers", 11, 10, 2, 20),
        Size("M", 64, "the shipped Scotland example: 64 units, 32 council areas", None),
        Size("L", 150, "150 units: 50 areas × 3 services, 150 suppliers", 13, 50, 3, 150, 1),
        Size(
            "XL", 300, "300 units: 100 areas × 3 services, 300 suppliers", 17, 100, 3, 300, 1, 2.0
        ),
        Size(
            "UK600",
            600,
            "600 units: 200 areas × 3 services (bench/uk.py)",
            19,
            200,
            3,
            0,
            1,
            2.0,
            True,
        ),
        Size(
            "UK1140", 1140, "1,140 units: 380 areas × 3 (bench/uk.py)", 23, 380, 3, 0, 1, 10.0, True
        ),
    )
}
VARIANTS = ("adj", "free")
CASES = [f"{size}-{variant}" for size in SIZES for variant in VARIANTS]


def parse(case_id: str) -> tuple[Size, bool]:
    """The size of a case id such as ``M-adj`` and whether it has contiguity."""
    name, _, variant = case_id.partition("-")
    if name not in SIZES or variant not in VARIANTS:
        raise ValueError(f"unknown case '{case_id}'; expected one of {', '.join(CASES)}")
    return SIZES[name], variant == "adj"


def select(spec: str) -> list[str]:
    """Case ids named by a comma-separated list of sizes (``S,M``) or case ids (``M-adj``)."""
    chosen = []
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        matches = [c for c in CASES if item in (c, c.partition("-")[0])]
        if not matches:
            raise ValueError(f"unknown case '{item}'; expected a size or one of {', '.join(CASES)}")
        chosen += [c for c in matches if c not in chosen]
    return chosen


def write_case(case_id: str, folder: str | Path) -> Path:
    """Write the case's CSV files into ``folder``; return the contract file's path."""
    size, contiguity = parse(case_id)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if size.seed is None:
        names = ["contract.csv", "suppliers.csv", "partners.csv"]
        names += ["adjacency.csv"] if contiguity else []
        for name in names:
            if (EXAMPLE / name).exists():
                shutil.copy(EXAMPLE / name, folder / name)
        return folder / "contract.csv"
    if size.uk:
        frames = uk_frames(size.seed, n_areas=size.n_areas, n_services=size.n_services)
    else:
        frames = realistic_frames(
            size.seed,
            n_areas=size.n_areas,
            n_services=size.n_services,
            n_suppliers=size.n_suppliers,
        )
    if not contiguity:
        frames["adjacency"] = frames["adjacency"].iloc[0:0]  # write_frames skips empty tables
    return write_frames(frames, folder)


def load(case_id: str, folder: str | Path) -> Case:
    """Write the case into ``folder`` and load it as a user's files would be."""
    return load_case(write_case(case_id, folder))
