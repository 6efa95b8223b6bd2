from nlp.tokenize import tokenize


def test_domain_words_stay_whole() -> None:
    words = tokenize("村里宅基地的地界和包工头讨薪的事")
    for word in ("宅基地", "地界", "包工头", "讨薪"):
        assert word in words


def test_punctuation_and_spaces_are_not_tokens() -> None:
    assert tokenize("漏水 ,了!") == ["漏水", "了"]
