"""The course site builds offline from the committed notebooks, with navigation and no broken internal link."""

import re
import time

import pytest

from lib.course.catalogue import REPOSITORY, lessons
from lib.course.site import MARKER, WIDGET_NOTE, broken_links, build_site, remote_assets

CHAPTERS = ["01_concepts", "03_training"]  # two chapters: one with Mermaid diagrams and widgets, one with neither


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "_site"
    start = time.perf_counter()
    built = build_site(out, CHAPTERS)
    print(f"built {len(built.pages)} pages in {time.perf_counter() - start:.1f} s")
    return built


def test_site_has_an_index_a_page_per_chapter_and_per_lesson(site):
    expected = {"index.html", *(f"chapters/{c}/index.html" for c in CHAPTERS)}
    expected |= {f"chapters/{x.chapter}/{x.source.stem}.html" for x in lessons() if x.chapter in CHAPTERS}
    assert set(site.pages) == expected
    assert (site.out / ".nojekyll").is_file() and (site.out / MARKER).is_file()


def test_no_broken_internal_link_or_anchor(site):
    assert broken_links(site.out) == []


def test_pages_fetch_nothing_from_the_network(site):
    for page in site.pages:
        assert remote_assets((site.out / page).read_text(encoding="utf-8")) == [], page


def test_lesson_pages_have_navigation_utf8_chinese_and_embedded_plots(site):
    course = [x for x in lessons() if x.chapter in CHAPTERS]
    for before, lesson, after in zip([None, *course[:-1]], course, [*course[1:], None], strict=True):
        page = (site.out / f"chapters/{lesson.chapter}/{lesson.source.stem}.html").read_text(encoding="utf-8")
        assert '<meta charset="utf-8"' in page
        navs = re.findall(r'<nav class="course-nav">(.*?)</nav>', page, re.S)
        assert len(navs) == 2, "navigation at the top and the bottom"
        assert 'href="../../index.html"' in navs[0] and 'href="index.html"' in navs[0]
        if before is not None:
            href = (
                before.source.stem if before.chapter == lesson.chapter else f"../{before.chapter}/{before.source.stem}"
            )
            assert f'<a href="{href}.html" rel="prev">' in navs[0]
        if after is not None:
            href = after.source.stem if after.chapter == lesson.chapter else f"../{after.chapter}/{after.source.stem}"
            assert f'<a href="{href}.html" rel="next">' in navs[0]
        assert ('rel="prev"' in navs[0]) == (before is not None) and ('rel="next"' in navs[0]) == (after is not None)
        title_chinese = re.search(r"\((.*?)\)\s*$", lesson.title).group(1)
        assert title_chinese in page  # the Chinese text is written as UTF-8 characters, not escapes
    gan = (site.out / "chapters/01_concepts/07_gan.html").read_text(encoding="utf-8")
    assert gan.count('src="data:image/png;base64,') >= 3


def test_mermaid_is_kept_as_source_and_widgets_explain_themselves(site):
    page = (site.out / "chapters/01_concepts/06_training_loop.html").read_text(encoding="utf-8")
    assert '<pre class="mermaid">' in page and "graph TD" in page
    assert "mermaid.esm" not in page and "widget-state+json" not in page
    assert WIDGET_NOTE in page and "application/vnd.jupyter.widget-view+json" not in page


def test_links_to_pages_outside_the_build_point_to_github(site):
    page = (site.out / "chapters/03_training/index.html").read_text(encoding="utf-8")
    assert f'href="{REPOSITORY}/blob/main/chapters/02_math/README.md"' in page  # chapter 2 is not built
    assert 'href="../04_applications/index.html"' not in page
    page = (site.out / "chapters/01_concepts/06_training_loop.html").read_text(encoding="utf-8")
    assert 'href="../02_math/' not in page and 'href="../03_training/' not in page.replace('rel="next"', "")


def test_broken_links_and_remote_assets_are_found(tmp_path):
    (tmp_path / "a.html").write_text(
        '<a href="b.html">b</a><a href="a.html#here">x</a><a href="a.html#gone">y</a><a id="here"></a>'
        '<img src="https://cdn.example/x.png"><script>import("https://cdn.example/m.mjs")</script>',
        encoding="utf-8",
    )
    assert broken_links(tmp_path) == [
        "a.html: b.html (no such file)",
        "a.html: a.html#gone (no element with id 'gone')",
    ]
    assert remote_assets((tmp_path / "a.html").read_text()) == [
        "https://cdn.example/x.png",
        "https://cdn.example/m.mjs",
    ]


def test_build_refuses_a_folder_it_did_not_build_and_unknown_chapters(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ValueError, match="out must be a new or empty folder"):
        build_site(tmp_path, ["01_concepts"])
    with pytest.raises(ValueError, match="chapters must be chapter folders"):
        build_site(tmp_path / "new", ["99_nothing"])
    with pytest.raises(ValueError, match="mathjax must be"):
        build_site(tmp_path / "new", ["01_concepts"], mathjax=tmp_path)
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_a_local_mathjax_is_copied_without_what_it_never_loads(tmp_path):
    mathjax = tmp_path / "mathjax"
    for part in (
        "MathJax.js",
        "config/TeX-AMS_CHTML.js",
        "fonts/HTML-CSS/TeX/woff/a.woff",
        "jax/output/CommonHTML/j.js",
    ):
        (mathjax / part).parent.mkdir(parents=True, exist_ok=True)
        (mathjax / part).write_text("//", encoding="utf-8")
    for unused in ("unpacked/MathJax.js", "fonts/HTML-CSS/TeX/otf/a.otf", "jax/output/SVG/j.js"):
        (mathjax / unused).parent.mkdir(parents=True, exist_ok=True)
        (mathjax / unused).write_text("//", encoding="utf-8")
    site = build_site(tmp_path / "site", ["05_frontiers"], mathjax=mathjax)
    copied = site.out / "_static" / "mathjax"
    assert (copied / "MathJax.js").is_file() and (copied / "fonts/HTML-CSS/TeX/woff/a.woff").is_file()
    assert not (copied / "unpacked").exists() and not (copied / "fonts/HTML-CSS/TeX/otf").exists()
    assert not (copied / "jax/output/SVG").exists()
    page = (site.out / "chapters/05_frontiers/02_cost_and_market.html").read_text(encoding="utf-8")
    assert 'src="../../_static/mathjax/MathJax.js?config=TeX-AMS_CHTML"' in page
    assert broken_links(site.out) == []


def test_a_local_mermaid_is_copied_in_and_run_and_a_wrong_one_refused(tmp_path):
    script = tmp_path / "mermaid.min.js"
    script.write_text("window.mermaid = {initialize() {}, async run() {}};", encoding="utf-8")
    built = build_site(tmp_path / "_site", ["02_math"], mermaid=script)
    assert (built.out / "_static" / "mermaid.min.js").read_bytes() == script.read_bytes()
    page = (built.out / "chapters/02_math/03_backpropagation.html").read_text(encoding="utf-8")
    assert '<script src="../../_static/mermaid.min.js"></script>' in page and "mermaid.run(" in page
    assert "as source" not in page and '<pre class="mermaid">' in page
    assert broken_links(built.out) == [] and remote_assets(page) == []
    with pytest.raises(ValueError, match="mermaid must be a mermaid.min.js file"):
        build_site(tmp_path / "_site2", ["02_math"], mermaid=tmp_path / "missing.js")
