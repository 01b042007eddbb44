"""Datasette browses the store with the shipped metadata: facets, search and canned queries work."""

import asyncio
import json
import shutil
import stat
from pathlib import Path

import pytest
from datasette.app import Datasette

from daemon.serve_setup import datasette_metadata, private_metadata_file
from daemon.demo import run_demo
from daemon.paths import shipped_config_path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("browse") / "archive.db"
    run_demo(str(db), echo=lambda _line: None)
    return db


def get(db: Path, path: str) -> dict:
    metadata = datasette_metadata(db, shipped_config_path("datasette.json"))

    async def fetch():
        app = Datasette([str(db)], metadata=metadata)
        response = await app.client.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    return asyncio.run(fetch())


def test_articles_facet_by_focus_region(demo_db):
    data = get(demo_db, "/archive/articles.json?_facet_array=focus_regions&_shape=objects")
    regions = {row["value"] for row in data["facet_results"]["focus_regions"]["results"]}
    assert {"Mali", "Niger", "Sahel"} <= regions


def test_full_text_search_finds_an_article(demo_db):
    data = get(demo_db, "/archive/articles.json?_search=tankers&_shape=objects")
    assert [row["title"] for row in data["rows"]] == ["Fuel convoys reach Bamako after weeks of shortages"]


def test_canned_query_latest_in_region_accepts_a_name(demo_db):
    data = get(demo_db, "/archive/latest_in_region.json?region=Mali&focus=1&_shape=objects")
    titles = {row["title"] for row in data["rows"]}
    assert "Fuel convoys reach Bamako after weeks of shortages" in titles
    assert all("Kenya" not in t for t in titles)


def test_canned_query_carried_by_lists_the_copy(demo_db):
    original = get(demo_db, "/archive/articles.json?duplicate_of__notblank=1&_shape=objects")["rows"][0]["duplicate_of"]
    data = get(demo_db, f"/archive/carried_by.json?article_id={original}&_shape=objects")
    assert {row["site_name"] for row in data["rows"]} == {"Sahel Courier", "West Africa Wire"}


def test_canned_query_carried_by_from_a_copy_lists_the_original_too(demo_db):
    copy = get(demo_db, "/archive/articles.json?duplicate_of__notblank=1&_shape=objects")["rows"][0]["id"]
    data = get(demo_db, f"/archive/carried_by.json?article_id={copy}&_shape=objects")
    assert {row["site_name"] for row in data["rows"]} == {"Sahel Courier", "West Africa Wire"}


def test_table_descriptions_come_from_the_shipped_metadata(demo_db):
    metadata = datasette_metadata(demo_db, shipped_config_path("datasette.json"))
    assert "duplicate_of" in metadata["databases"]["archive"]["tables"]["articles"]["description"]


def test_each_serve_writes_its_metadata_in_its_own_private_folder(demo_db):
    metadata = datasette_metadata(demo_db, shipped_config_path("datasette.json"))
    first, second = private_metadata_file(metadata), private_metadata_file(metadata)
    try:
        assert first.parent != second.parent
        assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
        assert json.loads(first.read_text()) == metadata
    finally:
        shutil.rmtree(first.parent)
        shutil.rmtree(second.parent)
