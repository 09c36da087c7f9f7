import pytest

from lib.data.doc_questions import doc_question_pairs
from lib.data.doc_sections import doc_sections
from lib.data.pydoc_corpus import topic_texts


def test_sections_have_distinct_titles_and_real_bodies():
    sections = doc_sections()
    assert len(sections) >= 100
    assert len({s.title for s in sections}) == len(sections)
    assert all(len(s.body) >= 200 and "\n" not in s.body and s.topic in topic_texts() for s in sections)


def test_a_known_section_by_hand():
    assert_section = next(s for s in doc_sections() if s.title == 'The "assert" statement')
    assert assert_section.topic == "assert"
    assert assert_section.body.startswith("Assert statements are a convenient way")
    assert assert_section.first_sentence == doc_question_pairs()[0].answer


def test_min_body_chars_is_checked():
    with pytest.raises(ValueError, match="min_body_chars"):
        doc_sections(0)
    assert len(doc_sections(5000)) < len(doc_sections())
