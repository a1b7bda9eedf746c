"""The commissioner's report (lotting/present/report.py): its content, and what a person sees.

The browser tests render report.html in headless Chromium, take a screenshot and fail on a blank
page or any console message; the PDF's first page goes through pdftoppm and is checked the same
way. They skip only when Chromium is missing and CI is not set (CI installs it: .ci/run).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from test_cli import assert_clean_failure, run
from test_statement import allowed, numbers_in, statement_of

from conftest import write_text, write_tiny_case
from lotting import Scenario, evaluate, load_case, solve
from lotting.frontier import frontier
from lotting.present.report import BROWSERS, browser_command, build_report, write_report

CHROMIUM = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
needs_browser = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="no chromium on PATH (apt-get install chromium poppler-utils); CI must have it",
)
SECTIONS = ["recommendation", "map", "lots", "why", "statement", "current", "market", "assumptions"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = write_tiny_case(tmp_path_factory.mktemp("report") / "case")
    case = load_case(folder / "contract.csv")
    scenario = Scenario(reach_value=100_000, lot_cost=1_000)
    plan = solve(case, scenario)
    table = frontier(case, scenario, ks={1, 2}, chosen=plan)
    return case, plan, table


def test_sections_come_in_designs_order_with_the_current_division(tiny):
    case, plan, table = tiny
    current = evaluate(case, plan.scenario, {"U1": "x", "U2": "x", "U3": "y", "U4": "y"})
    page = build_report(plan, case, table, current).html()
    ids = re.findall(r'<section[^>]* id="([a-z]+)"', page)
    expected = SECTIONS  # "map" holds the allocation chart even without boundaries
    assert ids == expected
    assert "The current division beside the recommendation" in page
    without = build_report(plan, case, table).html()
    assert re.findall(r'<section[^>]* id="([a-z]+)"', without) == [
        s for s in expected if s != "current"
    ]


def test_page_is_self_contained_phone_readable_and_prints_on_a4(tiny):
    case, plan, table = tiny
    page = build_report(plan, case, table).html()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@page { size: A4" in page and "@media print" in page
    assert "break-before: page" in page and "@media (max-width: 40rem)" in page
    # No request leaves the page: no external src/href/url(), no script, every image inline.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "url(" not in page and "<script" not in page and "@import" not in page
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) >= 2 and all(i.startswith("data:image/png;base64,") for i in images)


def test_assumptions_list_every_parameter_and_each_files_sha256(tiny):
    case, plan, table = tiny
    page = build_report(plan, case, table).html()
    for name in plan.scenario.to_dict():
        assert f"<code>{name}</code>" in page
    for path in case.files.values():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() in page
    assert "solver highs, status optimal" in page


def test_same_inputs_give_the_same_bytes(tiny):
    case, plan, table = tiny
    assert build_report(plan, case, table).html() == build_report(plan, case, table).html()


def test_names_from_the_inputs_are_escaped(tmp_path):
    folder = write_tiny_case(tmp_path / "case")
    suppliers = (folder / "suppliers.csv").read_text().replace("User Led One", "<b>Ulo</b> & co")
    write_text(folder / "suppliers.csv", suppliers)
    case = load_case(folder / "contract.csv")
    plan = solve(case, Scenario(reach_value=100_000, lot_cost=1_000))
    page = build_report(plan, case, frontier(case, plan.scenario, ks=(), chosen=plan)).html()
    assert "&lt;b&gt;Ulo&lt;/b&gt; &amp; co" in page and "<b>Ulo</b>" not in page


def test_write_report_needs_only_the_plan(tiny, tmp_path):
    _, plan, _ = tiny
    path = write_report(plan, tmp_path / "out" / "report.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in path.parent.iterdir() if p.name[0] != ".") == ["report.html"]


# --- as a person sees it: Chromium screenshots and the PDF ---------------------------------------


def not_blank(png: Path) -> None:
    """Fail unless the image has real content: many colours, and no colour covering it all."""
    pixels = matplotlib.image.imread(png)[..., :3].reshape(-1, 3)
    colours, counts = np.unique((pixels * 255).round().astype(int), axis=0, return_counts=True)
    assert len(colours) > 50, f"{png.name}: only {len(colours)} colours"
    assert counts.max() / len(pixels) < 0.95, f"{png.name}: one colour covers the page"


def screenshot(html: Path, png: Path, profile: Path) -> str:
    """Render ``html`` headless into ``png``; return what Chromium logged of the page's console."""
    assert CHROMIUM is not None, "chromium is required in CI"
    command = browser_command(
        CHROMIUM,
        profile,
        "--enable-logging=stderr",
        "--v=0",
        "--hide-scrollbars",
        "--window-size=1000,1400",
        f"--screenshot={png}",
        html.resolve().as_uri(),
    )
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert png.exists(), done.stderr[-2000:]
    return "\n".join(line for line in done.stderr.splitlines() if ":CONSOLE" in line)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("no chromium")
    root = tmp_path_factory.mktemp("printed")
    write_tiny_case(root / "case")
    args = ["report", "case/contract.csv", "--pdf", "--reach-value", "100000", "--lot-cost", "1000"]
    result = run([*args, "--out", "r"], root)
    assert result.returncode == 0, result.stderr
    return root


@needs_browser
def test_console_check_catches_a_broken_page(tmp_path):
    page = write_text(tmp_path / "bad.html", "<p>x</p><script>throw new Error('boom')</script>")
    assert "boom" in screenshot(page, tmp_path / "bad.png", tmp_path / "profile")


@needs_browser
def test_report_renders_in_chromium_without_console_errors(printed, tmp_path):
    png = tmp_path / "report.png"
    console = screenshot(printed / "r" / "report.html", png, tmp_path / "profile")
    assert console == "", console
    not_blank(png)


@needs_browser
def test_pdf_first_page_is_a_real_page_and_sections_break_pages(printed, tmp_path):
    pdf = printed / "r" / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    (page,) = tmp_path.glob("page*.png")
    not_blank(page)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert pages >= 6  # a page per section at least
    assert "A4" in info.stdout or "595" in info.stdout  # 595 × 842 pt


def test_statement_in_the_written_report_matches_its_plan_json(printed):
    folder = printed / "r"
    text = statement_of((folder / "report.html").read_text(encoding="utf-8"))
    plan = json.loads((folder / "plan.json").read_text())
    rows = list(csv.DictReader((folder / "frontier.csv").open()))
    found = numbers_in(text)
    assert found and set(found) <= allowed(plan, rows), text
    assert plan["objective"] in found and float(plan["metrics"]["n_lots"]) in found


def test_pdf_without_a_browser_exits_2_saying_how_to_install_and_keeps_the_html(tmp_path):
    write_tiny_case(tmp_path / "case")
    write_text(tmp_path / "current.csv", "unit,lot\nU1,n\nU2,s\nU3,n\nU4,s\n")
    args = ["report", "case/contract.csv", "--lots", "current.csv", "--ocds", "--pdf"]
    result = run([*args, "--browser", "/no/such/chromium", "--out", "r"], tmp_path)
    assert_clean_failure(result, 2)
    assert "apt-get install chromium" in result.stderr
    names = {p.name for p in (tmp_path / "r").iterdir()}
    assert {"report.html", "ocds.json", "plan.json", "frontier.csv"} <= names
    assert "report.pdf" not in names
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert 'id="current"' in page and "The current division keeps every rule" in page
