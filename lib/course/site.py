"""The course site: the committed, executed notebooks rendered to static HTML, offline.

``python -m lib.course.site --out _site`` renders every lesson's .ipynb (never executing it) with
nbconvert's HTML exporter, and writes a course index (lessons and assignment plans) and one index per
chapter, from the same headers as the README. Every lesson page has navigation (course, chapter, previous,
next lesson) at its top and bottom. Pages load nothing from the network: the CSS is inlined, plots are
embedded PNGs, and the CDN scripts of nbconvert's template (require.js, MathJax, Mermaid, the widget
manager) are left out:

- **math** shows as its TeX source (``$C \\approx 6ND$``), readable as it stands; give ``--mathjax DIR``, a
  local MathJax 2.7 folder such as Debian's libjs-mathjax (``/usr/share/javascript/mathjax``), to copy it into
  the site and typeset the formulas;
- **Mermaid diagrams** show as their source code, captioned; give ``--mermaid FILE``, a local mermaid.min.js
  (``npm install mermaid``: node_modules/mermaid/dist/mermaid.min.js), to copy it in and draw them;
- **widgets** show a note to open the notebook in JupyterLab, Colab or Binder, where they work.

Links between lessons point to their pages; links to other files of the repository point to GitHub.
``broken_links`` checks every href and src of a built site (tests/test_site.py builds two chapters).
"""

from __future__ import annotations

import argparse
import copy
import html
import os
import posixpath
import re
import shutil
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from lib.core.files import atomic_write_text
from lib.course.catalogue import BRANCH, REPOSITORY, ROOT, Lesson, lessons
from lib.course.indexes import INDEX_NAME, by_chapter, chapter_index, chapter_title
from lib.course.plans import format_minutes, parse_seconds, plans_markdown

MERMAID_JS = "mermaid.min.js"
MARKER = ".course-site"  # a built site holds this file, so that a rebuild may clear the folder safely
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "[interactive widget: open this notebook in JupyterLab, Colab or Binder to use it]"
SITE_CSS = """
:root {
  --course-fonts: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans CJK SC",
    "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  --jp-content-font-family: var(--course-fonts);
  --jp-ui-font-family: var(--course-fonts);
}
body.course-page { font-family: var(--course-fonts); max-width: 60rem; margin: 0 auto; padding: 1rem;
  line-height: 1.5; }
nav.course-nav { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; padding: 0.6rem 1rem; margin: 0.5rem 0;
  border: 1px solid #ccd; border-radius: 6px; background: #f5f7fb; font-family: var(--course-fonts); }
nav.course-nav a { text-decoration: none; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccd; padding: 0.25rem 0.5rem; vertical-align: top; }
"""
# Without a local Mermaid, a diagram is its source, captioned.
MERMAID_AS_SOURCE_CSS = """
.jp-Mermaid pre.mermaid { border: 1px solid #ccd; padding: 0.5rem; background: #fafafa; white-space: pre-wrap; }
.jp-Mermaid pre.mermaid::before { content: "Mermaid diagram, as source (JupyterLab and GitHub draw it)";
  display: block; font-style: italic; color: #555; margin-bottom: 0.3rem; }
"""
# With one (--mermaid), the page draws its diagrams as SVG when it loads; a classic script works from file:// too.
MERMAID_RUN = """<script src="{src}"></script>
<script>document.addEventListener("DOMContentLoaded", async () => {{
  mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
  await mermaid.run({{querySelector: ".jp-Mermaid > pre.mermaid"}});
}});</script>"""
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}
{%- if resources.site_mathjax -%}{{ mathjax(resources.site_mathjax) }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{{ resources.site_mermaid }}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style type="text/css">{{ resources.site_css }}</style>{%- endblock html_head_css -%}
{%- block body_header -%}{{ super() }}{{ resources.site_nav }}{%- endblock body_header -%}
{% block body_footer %}{{ resources.site_nav }}{{ super() }}{% endblock body_footer %}
"""


@dataclass(frozen=True)
class BuiltSite:
    """What ``build_site`` wrote: the folder, its pages (relative posix paths) and the seconds it took."""

    out: Path
    pages: tuple[str, ...]
    seconds: float


def _page_of(lesson: Lesson) -> str:
    return f"chapters/{lesson.chapter}/{lesson.source.stem}.html"


def _relative(target: str, page: str) -> str:
    """The href from the site page ``page`` to the site file ``target`` (both relative to the site root)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"course_site.html.j2": TEMPLATE})],
        template_file="course_site.html.j2",
    )


def _without_widgets(notebook):
    """A copy of ``notebook`` whose widget outputs say where to use them, and no saved widget state."""
    notebook = copy.deepcopy(notebook)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                output["data"] = {"text/plain": WIDGET_NOTE}
    return notebook


class _Links(HTMLParser):
    """Collects a page's href/src values, element ids, and the URLs of assets it would fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.assets: list[str] = []
        self._in_script = False
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name) and (name == "id" or tag == "a"):
                self.ids.add(attrs[name])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append(attrs[name])
        if tag in ("script", "img", "iframe", "audio", "video", "source") and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.assets.append(attrs["href"])
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def remote_assets(page_html: str) -> list[str]:
    """The http(s) URLs a page would fetch to display (scripts, styles, images, CSS url(), JS imports)."""
    parser = _Links()
    parser.feed(page_html)
    found = [url for url in parser.assets if re.match(r"(?i)(https?:)?//", url)]
    for code in parser.scripts:
        found += re.findall(
            r"""(?i)(?:url\(\s*['"]?|import\s*\(?\s*['"]|@import\s+['"])((?:https?:)?//[^'")\s]+)""", code
        )
    return found


def _rewrite_links(page_html: str, page: str, repo_dir: str, site_files: dict[str, str]) -> str:
    """Point relative links of a page rendered from ``repo_dir`` to site pages, or else to the file on GitHub."""
    site_pages = set(site_files.values())

    def replace(match: re.Match) -> str:
        attribute, value = match.group(1), html.unescape(match.group(2))
        if re.match(r"(?i)([a-z][a-z0-9+.-]*:|#|//)", value) or not value:
            return match.group(0)
        path, _, fragment = value.partition("#")
        path = path.split("?", 1)[0]
        target = posixpath.normpath(posixpath.join(repo_dir, path)) if path else None
        if target is None or target.startswith(".."):
            return match.group(0)
        if target in site_pages or target.startswith("_static/"):  # already a site link (navigation, MathJax)
            return match.group(0)
        if target in site_files:
            new = _relative(site_files[target], page) + (f"#{fragment}" if fragment else "")
        else:
            kind = "tree" if (ROOT / target).is_dir() else "blob"
            new = f"{REPOSITORY}/{kind}/{BRANCH}/{target}" + (f"#{fragment}" if fragment else "")
        return f'{attribute}="{html.escape(new, quote=True)}"'

    return re.sub(r'\b(href|src)="([^"]*)"', replace, page_html)


def _nav(page: str, lesson: Lesson, course: list[Lesson]) -> str:
    at = course.index(lesson)
    chapter_page = _relative(f"chapters/{lesson.chapter}/index.html", page)
    parts = [
        f'<a href="{_relative("index.html", page)}">Course index</a>',
        f'<a href="{chapter_page}">{html.escape(chapter_title(lesson.chapter))}</a>',
    ]
    if at > 0:
        before = course[at - 1]
        parts.append(f'<a rel="prev" href="{_relative(_page_of(before), page)}">← {html.escape(before.title)}</a>')
    if at + 1 < len(course):
        after = course[at + 1]
        parts.append(f'<a rel="next" href="{_relative(_page_of(after), page)}">{html.escape(after.title)} →</a>')
    return f'<nav class="course-nav">{" · ".join(parts)}</nav>'


def _markdown_page(title: str, markdown: str, page: str, nav: str, mathjax: str | None) -> str:
    from nbconvert.filters import markdown2html_mistune

    body = markdown2html_mistune(re.sub(r"<!--.*?-->", "", markdown, flags=re.S))
    config = "MathJax.Hub.Config({tex2jax: {inlineMath: [['$','$'], ['\\\\(','\\\\)']], processEscapes: true}});"
    script = f'<script type="text/x-mathjax-config">{config}</script>\n' if mathjax else ""
    script += f'<script src="{_relative(mathjax, page)}"></script>' if mathjax else ""
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8" />\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0">\n<title>{html.escape(title)}</title>\n'
        f'<style>{SITE_CSS}</style>\n{script}\n</head>\n<body class="course-page">\n{nav}\n<main>\n{body}\n</main>\n'
        f"{nav}\n</body>\n</html>\n"
    )


def _course_markdown(groups: dict[str, list[Lesson]], course: list[Lesson]) -> str:
    lines = ["# Large models, hands-on (大模型实战课)", ""]
    lines += [
        "Every lesson as its executed notebook, rendered offline. Run them yourself from the repository: "
        f"[{REPOSITORY}]({REPOSITORY}).",
        "",
    ]
    for chapter, chapter_lessons in groups.items():
        total = format_minutes(sum(parse_seconds(lesson.time) for lesson in chapter_lessons))
        lines += [f"## [{chapter_title(chapter)}](chapters/{chapter}/{INDEX_NAME})", "", f"Run time: {total}.", ""]
        lines += [
            f"- [{lesson.title}](chapters/{chapter}/{lesson.notebook.name}): {lesson.learn}"
            for lesson in chapter_lessons
        ]
        lines.append("")
    lines += ["## Assignment plans", "", plans_markdown(course)]
    return "\n".join(lines)


_MATHJAX_UNUSED = {"unpacked", "test", "docs", "jax/output/HTML-CSS", "jax/output/SVG", "jax/output/NativeMML"}
_MATHJAX_UNUSED_FONTS = {"otf", "svg", "eot", "png"}  # CommonHTML reads the woff fonts


def _mathjax_unused(folder: str, names: list[str]) -> set[str]:
    """For shutil.copytree: the parts of a MathJax 2.7 folder that the CommonHTML output never loads."""
    root = Path(folder)
    while root.parent != root and not (root / "MathJax.js").is_file():
        root = root.parent
    here = Path(folder).relative_to(root).as_posix()
    skip = {name for name in names if (name if here == "." else f"{here}/{name}") in _MATHJAX_UNUSED}
    if here.startswith("fonts/"):
        skip |= {name for name in names if name in _MATHJAX_UNUSED_FONTS}
    return skip


def _prepare_out(out: Path) -> None:
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ValueError(f"out must be a new or empty folder, or a site built before (with {MARKER}), got {out}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("built by python -m lib.course.site\n", encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve _static/ as it is


def build_site(
    out: str | os.PathLike,
    chapters: list[str] | None = None,
    mathjax: str | os.PathLike | None = None,
    mermaid: str | os.PathLike | None = None,
) -> BuiltSite:
    """Render the course (or the chapter folders ``chapters``, e.g. ['01_concepts']) to a static site in ``out``.

    ``mathjax``: a local MathJax 2.7 folder holding MathJax.js, copied to ``out/_static/mathjax``.
    ``mermaid``: a local mermaid.min.js (npm's mermaid package, dist/), copied to ``out/_static`` to draw diagrams.
    Builds from the committed .ipynb files, which must exist; executes nothing.
    """
    import nbformat

    start = time.perf_counter()
    out = Path(out)
    course = lessons()
    groups = by_chapter(course)
    if chapters is not None:
        unknown = sorted(set(chapters) - set(groups))
        if unknown:
            raise ValueError(f"chapters must be chapter folders among {sorted(groups)}, got unknown {unknown}")
        groups = {name: group for name, group in groups.items() if name in chapters}
    if mathjax is not None and not (Path(mathjax) / "MathJax.js").is_file():
        raise ValueError(f"mathjax must be a MathJax 2.7 folder holding MathJax.js, got {str(mathjax)!r}")
    if mermaid is not None and not (Path(mermaid).is_file() and Path(mermaid).suffix == ".js"):
        raise ValueError(f"mermaid must be a mermaid.min.js file (npm install mermaid), got {str(mermaid)!r}")
    built = [lesson for group in groups.values() for lesson in group]
    missing = [str(lesson.notebook) for lesson in built if not lesson.notebook.is_file()]
    if missing:
        raise ValueError(f"every lesson needs its executed .ipynb; missing: {missing}")
    _prepare_out(out)
    mathjax_js = None
    if mathjax is not None:
        shutil.copytree(mathjax, out / "_static" / "mathjax", ignore=_mathjax_unused)
        mathjax_js = "_static/mathjax/MathJax.js?config=TeX-AMS_CHTML"
    if mermaid is not None:
        (out / "_static").mkdir(exist_ok=True)
        shutil.copyfile(mermaid, out / "_static" / MERMAID_JS)
    # repository path -> site path, for every page this build writes
    site_files = {"README.md": "index.html"}
    site_files |= {f"chapters/{name}/{INDEX_NAME}": f"chapters/{name}/index.html" for name in groups}
    site_files |= {f"chapters/{name}": f"chapters/{name}/index.html" for name in groups}
    site_files |= {f"chapters/{lesson.chapter}/{lesson.notebook.name}": _page_of(lesson) for lesson in built}
    pages = []

    def write(page: str, text: str, repo_dir: str) -> None:
        atomic_write_text(out / page, _rewrite_links(text, page, repo_dir, site_files))
        pages.append(page)

    write(
        "index.html",
        _markdown_page(
            "Large models, hands-on",
            _course_markdown(groups, course),
            "index.html",
            '<nav class="course-nav"><strong>Course index</strong></nav>',
            mathjax_js,
        ),
        "",
    )
    for chapter in groups:
        page = f"chapters/{chapter}/index.html"
        nav = '<nav class="course-nav"><a href="../../index.html">Course index</a></nav>'
        markdown = chapter_index(chapter, course)
        write(page, _markdown_page(chapter_title(chapter), markdown, page, nav, mathjax_js), f"chapters/{chapter}")
    exporter = _exporter()
    for lesson in built:
        page = _page_of(lesson)
        notebook = _without_widgets(nbformat.read(lesson.notebook, as_version=4))
        resources = {
            "metadata": {"name": lesson.title},
            "site_nav": _nav(page, lesson, built),
            "site_css": SITE_CSS + ("" if mermaid else MERMAID_AS_SOURCE_CSS),
            "site_mathjax": _relative(mathjax_js, page) if mathjax_js else "",
            "site_mermaid": MERMAID_RUN.format(src=_relative(f"_static/{MERMAID_JS}", page)) if mermaid else "",
        }
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
        write(page, body, f"chapters/{lesson.chapter}")
    return BuiltSite(out, tuple(pages), time.perf_counter() - start)


def broken_links(site: str | os.PathLike, check_anchors: bool = True) -> list[str]:
    """Every relative href or src in the site's pages whose file (or, with ``check_anchors``, #id) is missing."""
    site = Path(site)
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            parsed[path] = _Links()
            parsed[path].feed(path.read_text(encoding="utf-8"))
        return parsed[path]

    problems = []
    for page in sorted(site.rglob("*.html")):
        for link in parse(page).links:
            if not link or re.match(r"(?i)([a-z][a-z0-9+.-]*:|//)", link):
                continue
            path, _, fragment = link.partition("#")
            target = (page.parent / path.split("?", 1)[0]).resolve() if path else page.resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(site)}: {link}"
            if not target.is_file():
                problems.append(f"{where} (no such file)")
            elif check_anchors and fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                problems.append(f"{where} (no element with id {fragment!r})")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: build the site, then check its links and that it fetches nothing remote."""
    parser = argparse.ArgumentParser(prog="python -m lib.course.site", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("_site"), help="folder to write (default _site)")
    parser.add_argument("--chapters", nargs="+", help="chapter folders to build, e.g. 01_concepts (default: all)")
    parser.add_argument("--mathjax", type=Path, help="a local MathJax 2.7 folder to copy in (default: math as TeX)")
    parser.add_argument("--mermaid", type=Path, help="a local mermaid.min.js to draw diagrams (default: as source)")
    args = parser.parse_args(argv)
    site = build_site(args.out, args.chapters, args.mathjax, args.mermaid)
    print(f"{len(site.pages)} pages written to {site.out} in {site.seconds:.1f} s")
    problems = broken_links(site.out)
    remote = [f"{p}: {u}" for p in site.pages for u in remote_assets((site.out / p).read_text(encoding="utf-8"))]
    for line in problems + remote:
        print(line, file=sys.stderr)
    return 1 if problems or remote else 0


if __name__ == "__main__":
    raise SystemExit(main())
