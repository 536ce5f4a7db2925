import os

import pytest
from source_samples import COUNCIL, DOCKERS, FARMERS, web_page

from eventwatch.errors import InputError
from eventwatch.sources import ExtractionError, extract

META = """<meta property="article:published_time" content="2024-03-12T18:45:00+01:00">
<meta property="article:modified_time" content="2024-03-13T07:10:00+01:00">
<link rel="canonical" href="/news/2024/03/riverton-fares">"""


def test_main_text_without_boilerplate():
    article = extract(web_page(COUNCIL, "Riverton council halts bus fare rise", head=META),
                      url="https://www.gazette.example/news?id=881&utm_source=rss")
    assert article.text == COUNCIL
    for boilerplate in ("cookies", "Accept", "Politics", "Podcasts", "Most read", "Storm closes",
                        "Copyright", "Privacy policy", "Contact us", "By Staff Reporter"):
        assert boilerplate not in article.text


def test_metadata_from_the_page():
    article = extract(web_page(COUNCIL, "Riverton council halts bus fare rise", head=META),
                      url="https://www.gazette.example/news?id=881&utm_source=rss")
    assert article.title == "Riverton council halts bus fare rise"
    assert article.published == "2024-03-12"  # the original date, not the update
    assert article.url == "https://www.gazette.example/news/2024/03/riverton-fares"
    assert article.source == "The Harbour Gazette"


def test_fallbacks_without_metadata():
    page = f"<html><body><article><h2>Dockers strike</h2><p>{DOCKERS}</p></article></body></html>"
    article = extract(page, url="https://www.halvik-post.example/2024/strike")
    assert article.url == "https://www.halvik-post.example/2024/strike"
    assert article.source == "halvik-post.example"
    assert article.published is None  # no guessing from dates in the text
    assert "48-hour strike" in article.text


def test_a_footer_year_is_no_publication_date():
    assert extract(web_page(FARMERS, "Farmers protest water limits")).published is None


def test_malformed_html_is_read():
    broken = (b"<html><head><title>Farmers protest</title><body><div class=story><p>"
              + FARMERS.replace("\n", "<p>").encode()
              + b"<div><b>unclosed <i>tags</table></span></td><p>\x00 stray <<>> &nbsp &bogus;")
    article = extract(broken, url="https://example.org/farmers")
    assert "Several thousand farmers drove tractors" in article.text
    assert "Luca Benedetti" in article.text


@pytest.mark.parametrize("junk", [b"", b"   \n ", b"<<<>>><p<div>>", os.urandom(4000), b"\x00" * 500,
                                  "plain words, no markup at all"])
def test_no_text_is_an_extraction_error(junk):
    with pytest.raises(ExtractionError, match=r"no article text found in junk\.html"):
        extract(junk, origin="junk.html")


def test_extraction_error_is_a_value_and_input_error():
    with pytest.raises(ValueError):
        extract(b"")
    with pytest.raises(InputError, match="no article text found in https://example.org/x"):
        extract(b"<html></html>", url="https://example.org/x")


def test_latin1_page_with_declared_charset():
    text = ("The Zürich-based cooperative Société Verte said on Thursday that it would reopen the old "
            "café on the harbour, closed since the flood, as a meeting place for pensioners. The "
            "mayor’s office—which owns the building—agreed to a rent of one franc a year for the "
            "first decade, provided the cooperative pays for the renovation. Residents of the Quai des Pêcheurs collected more than four thousand signatures in "
            "support of the plan, and the regional council is expected to confirm the lease in May.")
    page = web_page(text, "Harbour café to reopen").replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    data = page.encode("cp1252")  # what pages declaring Latin-1 really contain: curly quotes too
    assert b"\xfc" in data and b"\x92" in data
    article = extract(data, url="https://example.ch/cafe")
    assert "Zürich-based cooperative Société Verte" in article.text
    assert "The mayor’s office—which owns the building—agreed" in article.text
    assert article.title == "Harbour café to reopen"


def test_transport_charset_wins_over_a_wrong_guess():
    body = ("<html><body><article><p>" + DOCKERS.replace("Halvik", "Ærøskøbing") + "</p></article></body></html>")
    article = extract(body.encode("latin-1"), encoding="ISO-8859-1")
    assert "port of Ærøskøbing" in article.text


def test_undeclared_bytes_do_not_raise():
    body = ("<html><body><article><p>" + COUNCIL.replace("Riverton", "Rivertón") + "</p></article></body></html>")
    article = extract(body.encode("latin-1") + b"\xff\xfe\x81")
    assert "city council voted on Tuesday" in article.text
