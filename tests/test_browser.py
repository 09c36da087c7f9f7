"""The course in a real browser: JupyterLab on localhost, driven in headless Chromium by Playwright.

A learner's first session: open lesson 1.1, run all cells, see no error, move a widget's slider and see its
output change, read the Chinese terms (a screenshot is saved). Lesson 1.6's Mermaid diagrams are drawn by
JupyterLab. The course site is opened too (tests/test_site.py checks its links without a browser).

Needs Debian's chromium and a CJK font (``apt-get install chromium fonts-noto-cjk``) and Playwright
(``pip install -r requirements-browser.txt``); .ci/run installs all three. Playwright is pointed at the
system browser: its own browser download cannot work offline. Without them the tests are skipped and say
what to install. Screenshots go to $COURSE_SCREENSHOTS when it is set (.ci/run sets it), else to a
temporary folder whose path the test prints.
"""

import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lib.course.catalogue import CHAPTERS
from lib.course.diagrams import lesson_markdown, mermaid_blocks, node_labels

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LESSON = CHAPTERS / "01_concepts" / "01_what_is_a_large_model.ipynb"
DIAGRAMS = CHAPTERS / "01_concepts" / "06_training_loop.ipynb"
TOKEN = "course-browser-test"
# Flags for a closed network: without the background-networking ones Chromium keeps calling Google's hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Unassigned code points: every font draws them as the same empty box (.notdef), which is what a CJK
# character looks like when no installed font has it.
UNASSIGNED = ["\u0378", "\u0379"]
GLYPHS = """([chars, font]) => {
    const canvas = document.createElement('canvas');
    canvas.width = 64; canvas.height = 64;
    const g = canvas.getContext('2d');
    return chars.map(ch => {
        g.clearRect(0, 0, 64, 64); g.font = `48px ${font}`; g.fillText(ch, 4, 52);
        return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
    });
}"""


def _skip_without_a_browser():
    if CHROMIUM is None:
        pytest.skip("no system Chromium: `apt-get install chromium fonts-noto-cjk` (Debian) runs the browser tests")
    pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed: `pip install -r requirements-browser.txt`"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"JupyterLab did not listen on port {port} within {seconds} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("COURSE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


@pytest.fixture(scope="module")
def browser():
    _skip_without_a_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on localhost over a copy of two lessons (running them must not touch the repository)."""
    _skip_without_a_browser()
    root = tmp_path_factory.mktemp("lab")
    for notebook in (LESSON, DIAGRAMS):
        shutil.copy(notebook, root / notebook.name)
    settings = root / ".jupyter"
    # No "get notified about Jupyter news?" prompt over the notebook, and no update check (offline); no
    # nbgrader menus either (CI installs nbgrader beside for its grading test; learners do not have it).
    off = ("@jupyterlab/apputils-extension:announcements", "@jupyter/nbgrader")
    disabled = {"disabledExtensions": dict.fromkeys(off, True)}
    (settings / "labconfig").mkdir(parents=True)
    (settings / "labconfig" / "page_config.json").write_text(json.dumps(disabled), encoding="utf-8")
    port, log = _free_port(), root / "jupyterlab.log"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(settings), JUPYTER_RUNTIME_DIR=str(root / ".runtime"))
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", f"--LabApp.workspaces_dir={root}",
    ]  # fmt: skip
    with open(log, "w", encoding="utf-8") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, server, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    page.goto(url)
    return page


def _open_notebook(browser, lab: str, name: str):
    page = _open(browser, f"{lab}/lab/tree/{name}?token={TOKEN}")
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
        " && w.sessionContext.session.kernel.status === 'idle' && w.content.widgets.length > 0 }"
    )
    return page


def _cjk_problems(page, selector: str, terms: str) -> list[str]:
    """Why ``terms`` would show as boxes in the font of ``selector``'s element; empty when they show."""
    font = page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).fontFamily")
    drawn = page.evaluate(GLYPHS, [list(terms) + UNASSIGNED, font])
    cjk, boxes = drawn[: len(terms)], drawn[len(terms) :]
    if boxes[0] != boxes[1]:
        return [f"the missing-glyph test itself failed in font {font!r}"]
    if len(set(cjk)) < len(set(terms)) or boxes[0] in cjk:
        return [f"{terms!r} draws as empty boxes in font {font!r}: install a CJK font (Debian: fonts-noto-cjk)"]
    return []


def test_lesson_runs_in_jupyterlab_its_slider_updates_and_chinese_renders(browser, lab, screenshots):
    page = _open_notebook(browser, lab, LESSON.name)
    start = time.monotonic()
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets"
        ".every(c => c.model.type !== 'code' || c.model.executionCount === null)"
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " return w.sessionContext.session.kernel.status === 'idle' && w.content.widgets"
        ".every(c => c.model.type !== 'code' || c.model.executionCount !== null) }",
        polling=500,
    )
    print(f"lesson 1.1 ran in JupyterLab in {time.monotonic() - start:.1f} s")
    errors = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets.filter(c => c.model.type === 'code')"
        ".flatMap(c => c.model.outputs.toJSON().filter(o => o.output_type === 'error')"
        ".map(o => `${o.ename}: ${o.evalue}`))"
    )
    assert errors == []

    # JupyterLab draws only the cells in view: go back to the top, where the title is.
    page.evaluate("() => { const n = window.jupyterapp.shell.currentWidget.content; n.activeCellIndex = 0; }")
    page.evaluate("window.jupyterapp.shell.currentWidget.content.scrollToItem(0)")
    title = page.locator(".jp-RenderedMarkdown h1").first
    page.wait_for_function("el => el.innerText.length > 0", arg=title.element_handle(), polling=200)
    assert re.search(r"[\u4e00-\u9fff]", title.inner_text()), "the lesson's title names its Chinese term"
    assert _cjk_problems(page, ".jp-RenderedMarkdown", "大模型参数训练") == []
    page.screenshot(path=str(screenshots / "lesson-1.1-title.png"))

    widget_cell = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(c => c.model.type === 'code'"
        " && c.model.outputs.toJSON().some(o => 'application/vnd.jupyter.widget-view+json' in (o.data || {})))"
    )
    assert widget_cell > 0, "lesson 1.1 shows a widget"
    page.evaluate(f"window.jupyterapp.shell.currentWidget.content.scrollToItem({widget_cell}, 'center')")
    widget = page.locator(".widget-interact").first
    widget.wait_for()
    widget.scroll_into_view_if_needed()
    output = widget.locator(".widget-output, .jp-OutputArea").first
    before = output.inner_text()
    assert widget.locator(".widget-readout").first.inner_text().strip() == "32"
    handle = widget.locator(".noUi-handle, .ui-slider-handle").first  # ipywidgets 8, then 7
    handle.focus()
    for _ in range(4):
        handle.press("ArrowRight")
    page.wait_for_function(
        "([el, before]) => el.innerText !== before", arg=[output.element_handle(), before], polling=200
    )
    after = output.inner_text()
    assert before and after != before
    assert widget.locator(".widget-readout").first.inner_text().strip() == "36", "n_layer moved from 32 by 4 steps"
    page.screenshot(path=str(screenshots / "lesson-1.1-widget.png"))
    page.close()


def test_mermaid_diagrams_are_drawn_by_jupyterlab(browser, lab, screenshots):
    lesson = DIAGRAMS.with_suffix(".py")
    diagrams = [diagram for text in lesson_markdown(lesson) for diagram, _ in mermaid_blocks(text)]
    assert diagrams, "lesson 1.6 has Mermaid diagrams"
    page = _open_notebook(browser, lab, DIAGRAMS.name)
    first = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets"
        ".findIndex(c => c.model.sharedModel.getSource().includes('```mermaid'))"
    )
    page.evaluate(f"() => {{ const n = window.jupyterapp.shell.currentWidget.content; n.activeCellIndex = {first}; }}")
    # JupyterLab's own copy of Mermaid draws each diagram as an SVG image.
    drawn = page.locator(".jp-RenderedMermaid img[src^='data:image/svg+xml']")
    page.wait_for_function(
        f"document.querySelectorAll(\".jp-RenderedMermaid img[src^='data:image/svg+xml']\").length >= {len(diagrams)}"
    )
    assert drawn.count() == len(diagrams)
    for index, diagram in enumerate(diagrams):
        svg = drawn.nth(index).evaluate("img => decodeURIComponent(img.src.split(',')[1])")
        box = drawn.nth(index).evaluate("img => img.decode().then(() => img.getBoundingClientRect().toJSON())")
        assert box["width"] > 100 and box["height"] > 100, f"diagram {index + 1} is drawn {box}"
        assert "Syntax error" not in svg
        labels = node_labels(diagram)
        assert labels and all(html.escape(label, quote=False) in svg for label in labels), [
            label for label in labels if html.escape(label, quote=False) not in svg
        ]
    drawn.first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "lesson-1.6-mermaid.png"))
    page.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The course site for chapter 01 (Mermaid, widgets, plots), built with a local Mermaid when one is given."""
    _skip_without_a_browser()
    from lib.course.site import build_site

    mermaid = os.environ.get("COURSE_MERMAID_JS")
    if mermaid and not Path(mermaid).is_file():
        raise AssertionError(f"COURSE_MERMAID_JS names no file: {mermaid}")
    return build_site(tmp_path_factory.mktemp("site") / "_site", ["01_concepts"], mermaid=mermaid or None), mermaid


def test_course_site_navigates_and_shows_plots_and_chinese(browser, site, screenshots):
    built, _ = site
    page = _open(browser, (built.out / "index.html").as_uri())
    page.get_by_role("link", name=re.compile(r"^1\.1 ")).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("chapters/01_concepts/01_what_is_a_large_model.html")
    assert "什么是大模型" in page.title() + page.locator("h1").first.inner_text()
    assert _cjk_problems(page, "body", "大模型参数训练") == []
    page.locator("nav.course-nav a[rel=next]").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("chapters/01_concepts/02_neural_network_basics.html")
    images = page.locator("img")
    assert images.count() >= 2
    sizes = images.evaluate_all("imgs => Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth)))")
    assert min(sizes) > 100, f"every plot is drawn: {sizes}"
    page.screenshot(path=str(screenshots / "site-lesson-1.2.png"), full_page=False)
    page.close()


def test_course_site_draws_mermaid_diagrams(browser, site, screenshots):
    built, mermaid = site
    if not mermaid:
        pytest.skip("set COURSE_MERMAID_JS to a mermaid.min.js (npm install mermaid) to draw the site's diagrams")
    page = _open(browser, (built.out / "chapters/01_concepts/06_training_loop.html").as_uri())
    page.wait_for_function("document.querySelectorAll('.jp-Mermaid > pre.mermaid svg').length >= 2")
    diagrams = page.locator(".jp-Mermaid > pre.mermaid")
    assert diagrams.count() == 2
    for index in range(2):
        svg = diagrams.nth(index).locator("svg")
        box = svg.bounding_box()
        assert box["width"] > 100 and box["height"] > 100
        assert "Syntax error" not in svg.text_content()
    assert "前向传播" in diagrams.first.locator("svg").text_content()
    assert "zero the gradients" in diagrams.nth(1).locator("svg").text_content()
    diagrams.nth(1).scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "site-lesson-1.6-mermaid.png"))
    page.close()
