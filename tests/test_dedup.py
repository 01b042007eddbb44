import os
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import structlog
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.dedup import (
    MAX_TOKENS,
    SIGNATURE_BYTES,
    MemoryCandidates,
    content_hash,
    decode_signature,
    find_copy,
    fingerprint,
    tokens,
)

ARTICLES = tomllib.loads((Path(__file__).parent / "fixtures" / "dedup_articles.toml").read_text("utf-8"))
WIRE, OTHER = ARTICLES["wire"], ARTICLES["other"]


def paragraphs(article):
    return article["text"].split("\n\n")


def syndicated(article):
    """The wire story as another outlet runs it: byline, teaser, share prompt, last paragraph cut."""
    body = paragraphs(article)[:-1]
    body.insert(2, "Read more: Fishermen count the cost of a stormy season")
    return "\n\n".join(["Menu Search Sign in", "By Ama Boateng, Harbour Ledger staff", *body,
                        "Share this story with a friend!"])


def archive_with(*articles):
    source = MemoryCandidates()
    for article_id, article in enumerate(articles, start=1):
        source.add(article_id, fingerprint(article["title"], article["text"]), title=article["title"])
    return source


def test_content_hash_ignores_case_punctuation_and_whitespace():
    text = WIRE["text"]
    folded = text.upper().replace(",", " ").replace("\n\n", "\n")
    assert content_hash("a", text) == content_hash("b", folded)


def test_short_texts_with_different_titles_have_different_hashes():
    teaser = "Developing story."
    assert content_hash("Storm closes port", teaser) != content_hash("Vote delayed", teaser)


def test_empty_article_has_empty_hash_and_no_bucket_keys():
    fp = fingerprint("", "")
    assert (fp.content_hash, fp.bucket_keys) == ("", ())


def test_one_line_text_gets_no_bucket_keys():
    assert fingerprint("Headline", "Police said more details would follow.").bucket_keys == ()


def test_empty_article_is_not_a_copy_of_an_earlier_empty_article():
    source = MemoryCandidates()
    source.add(1, fingerprint("", ""))
    assert find_copy(fingerprint("", ""), source).duplicate_of is None


def test_one_line_text_is_not_a_copy_of_a_long_article_that_contains_it():
    source = archive_with(WIRE)
    line = paragraphs(WIRE)[0]
    assert find_copy(fingerprint("Solar", line), source).duplicate_of is None


def test_same_text_under_another_title_is_an_exact_copy():
    verdict = find_copy(fingerprint("Another headline", WIRE["text"]), archive_with(OTHER, WIRE))
    assert (verdict.duplicate_of, verdict.reason) == (2, "exact text")


def test_syndicated_copy_with_new_headline_clutter_and_a_cut_is_a_near_copy():
    copy = fingerprint("Mali opens big solar plant", syndicated(WIRE))
    verdict = find_copy(copy, archive_with(OTHER, WIRE))
    assert verdict.duplicate_of == 2 and verdict.reason.startswith("near copy")


def test_copy_with_a_rewritten_lede_and_an_added_paragraph_is_a_near_copy():
    body = paragraphs(WIRE)
    body[0] = "Mali switched on a 50-megawatt solar farm outside Ségou on Thursday, officials said."
    body.insert(3, "The project was first announced four years ago and was delayed by the pandemic.")
    verdict = find_copy(fingerprint(WIRE["title"], "\n\n".join(body)), archive_with(WIRE))
    assert verdict.duplicate_of == 1


def test_unrelated_article_on_the_same_country_is_an_original():
    assert find_copy(fingerprint(OTHER["title"], OTHER["text"]), archive_with(WIRE)).reason == "original"


def test_copy_of_a_copy_points_at_the_first_seen_article():
    source = MemoryCandidates()
    source.add(7, fingerprint("Copy", syndicated(WIRE)), duplicate_of=3)
    assert find_copy(fingerprint("Again", syndicated(WIRE) + "\n\nExtra line."), source).duplicate_of == 3


def test_japanese_text_is_tokenised_by_character():
    assert tokens("東京で新しい")[:3] == ["東", "京", "で"]


def test_japanese_copy_with_clutter_is_a_near_copy():
    article = ARTICLES["japanese"]
    copy = "ホーム ニュース\n\n" + article["text"] + "\n\nこの記事を共有する"
    assert find_copy(fingerprint("別の見出し", copy), archive_with(article)).duplicate_of == 1


def test_cyrillic_copy_with_a_new_headline_is_found():
    article = ARTICLES["russian"]
    copy = article["text"] + "\n\nПодписывайтесь на наш канал."
    assert find_copy(fingerprint("Мост открыт", copy), archive_with(article)).duplicate_of == 1


def test_very_long_text_is_capped():
    long_text = (WIRE["text"] + "\n\n") * 200
    assert len(tokens(long_text)) == MAX_TOKENS


def test_corrupted_signature_is_logged_and_ignored():
    source = MemoryCandidates()
    source.add(1, replace(fingerprint(WIRE["title"], WIRE["text"]), signature=b"\x00garbage"))
    with structlog.testing.capture_logs() as logs:
        verdict = find_copy(fingerprint("Copy", syndicated(WIRE)), source)
    assert verdict.duplicate_of is None
    assert [e["event"] for e in logs] == ["dedup.corrupt_fingerprint"]


def test_signature_blob_has_a_fixed_size_and_decodes():
    fp = fingerprint(WIRE["title"], WIRE["text"])
    values, shingles = decode_signature(fp.signature)
    assert (len(fp.signature), len(values), shingles > 100) == (SIGNATURE_BYTES, 128, True)


def test_fingerprint_does_not_depend_on_the_process_hash_seed():
    code = ("import tomllib,sys; from daemon.dedup import fingerprint; "
            "a=tomllib.load(open(sys.argv[1],'rb'))['wire']; f=fingerprint(a['title'], a['text']); "
            "print(f.simhash, f.bucket_keys, f.signature.hex())")
    path = str(Path(__file__).parent / "fixtures" / "dedup_articles.toml")
    outputs = {subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000), st.text(max_size=100))
def test_any_text_gives_keys_that_fit_sqlite_integers(text, title):
    fp = fingerprint(title, text)
    assert all(-(1 << 63) <= k < (1 << 63) for k in fp.bucket_keys) and 0 <= fp.simhash < (1 << 64)
