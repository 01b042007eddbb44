"""`newswatch tag`: tags for a text and the reasons, for an analyst asking why an article is filed where."""

import json

from click.testing import CliRunner

from daemon.cli import main

STORY = ("Gunmen attacked a convoy near Gao on Sunday, the army said. Officials in Bamako said Paris "
         "would send help. Chad Walker, a spokesman, said it was the worst attack in Mali this year.")


def invoke(*args, stdin=None):
    return CliRunner().invoke(main, ["-c", "/nonexistent/newswatch.toml", *args], input=stdin,
                              catch_exceptions=False)


def test_tag_prints_focus_mentions_regions_and_the_names_behind_them():
    result = invoke("tag", "--title", "Convoy attacked near Gao", "-", stdin=STORY)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "focus:     Mali (ML)"
    assert lines[1] == "mentioned: France (FR)"          # Paris the government, not Paris, Texas
    assert "Sahel (focus)" in lines[2]
    assert '  "Gao" -> Gao, Mali (city); weight 3, in the title or dateline, named as a place' in lines


def test_tag_json_lists_every_name_read_as_a_place():
    result = invoke("tag", "--json", "-", stdin=STORY)
    data = json.loads(result.output)
    assert [c["id"] for c in data["focus"]] == ["ML"]
    assert {row["words"] for row in data["names"]} == {"Gao", "Bamako", "Paris", "Mali"}   # not Chad, not Walker


def test_tag_reads_a_file_and_uses_hints(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Floods forced thousands from their homes in Niamey. Aid reached Niamey on Monday.",
                       encoding="utf-8")
    result = invoke("tag", "--hint", "NE", "--hint", "Sahel", str(article))
    assert result.exit_code == 0 and result.output.startswith("focus:     Niger (NE)")


def test_an_unknown_hint_is_one_clear_error():
    result = invoke("tag", "--hint", "Narnia", "-", stdin="Rain in Niamey.")
    assert result.exit_code == 2
    assert "--hint 'Narnia' is not a known region" in result.output


def test_a_text_with_no_places_says_so():
    result = invoke("tag", "-", stdin="The recipe needs two eggs and a cup of flour.")
    assert result.exit_code == 0 and "no names read as places" in result.output


def test_a_file_that_is_not_utf8_is_one_clear_error(tmp_path):
    article = tmp_path / "legacy.txt"
    article.write_bytes("Pluies à Niamey.".encode("cp1252"))
    result = invoke("tag", str(article))
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: {article}: not UTF-8 text (byte 0xe0 at offset 7); "
                                     "convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8")

