import pytest
from source_samples import COUNCIL, GERMAN

from eventwatch.document import Article
from eventwatch.sources import Item, article_item, detect, english_or_reason


def test_detect_names_the_language():
    assert detect(COUNCIL) == "en"
    assert detect(GERMAN) == "de"


def test_detect_is_deterministic():
    mixed = "Der Rat hat beschlossen, the council decided, le conseil a décidé, il consiglio ha deciso."
    assert len({detect(mixed) for _ in range(5)}) == 1


@pytest.mark.parametrize("text", ["", "Hello", "Breaking news!", "12 345 678 9", "Vote: 7-2"])
def test_too_little_text_is_not_judged(text):
    assert detect(text) is None
    assert english_or_reason(text) is None


def test_english_passes_and_others_get_a_reason():
    assert english_or_reason(COUNCIL) is None
    assert english_or_reason(GERMAN) == "language: de"


def test_article_item_skips_foreign_articles_but_keeps_them():
    item = article_item(Article(text=GERMAN), "lindenau.txt")
    assert item.skipped == "language: de" and item.article.text == GERMAN
    assert not item.ok and item.error is None


def test_article_item_fills_a_missing_date_only():
    assert article_item(Article(text=COUNCIL), "a", "2024-05-01").article.published == "2024-05-01"
    dated = Article(text=COUNCIL, published="2023-01-02")
    assert article_item(dated, "a", "2024-05-01").article.published == "2023-01-02"
    assert article_item(dated, "a", "2024-05-01").ok


def test_an_item_has_exactly_one_shape():
    article = Article(text=COUNCIL)
    assert Item(article, "a").ok
    assert Item.failed("a", "broken").error == "broken"
    with pytest.raises(ValueError):
        Item(None, "a")
    with pytest.raises(ValueError):
        Item(article, "a", error="broken")
    with pytest.raises(ValueError):
        Item(None, "a", error="broken", skipped="language: de")
    with pytest.raises(ValueError):
        Item(article, "")
