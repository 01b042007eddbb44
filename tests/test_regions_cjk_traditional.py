"""Traditional Chinese, as Taiwan and Hong Kong write it: China's provinces and Taiwan's country names."""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, tag
from tests.tagged import countries_in


@pytest.mark.parametrize("text", [
    "廣東省多個城市昨日出現暴雨。",
    "颱風過後，廣西沿海漁船陸續返港。",
    "貴州山區的公路因落石中斷。",
    "遼寧一間工廠發生火警。",
    "黑龍江邊境口岸恢復通關。",
    "雲南今年的咖啡豆產量創新高。",
    "甘肅發生規模5.1地震。",
    "陝西考古隊發現一座古墓。",
    "江蘇的出口訂單連續三個月下滑。",
    "寧夏的葡萄酒在國際比賽得獎。",
    "重慶今夏氣溫屢破紀錄。",
])
def test_a_province_in_traditional_characters_names_china(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == {"CN"}


@pytest.mark.parametrize("text", [
    "內蒙古自治區遭遇強烈沙塵暴。",
    "內蒙古西部的牧民將羊群趕往南方。",
])
def test_inner_mongolia_in_traditional_characters_is_china_not_mongolia(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == {"CN"}


@pytest.mark.parametrize("text", [
    "新疆維吾爾自治區的棉花採收進入尾聲。",
    "廣西壯族自治區公布新的交通規劃。",
    "寧夏回族自治區的沙漠治理成效顯著。",
])
def test_an_autonomous_region_written_in_full_in_traditional_names_china(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == {"CN"}


def test_a_traditional_chinese_province_story_is_about_china(gazetteer: Gazetteer) -> None:
    tags = tag("廣東省暴雨釀災", "連日豪雨造成廣東省多處淹水，數千人撤離。", gazetteer)
    assert focus_countries(tags) == {"CN"}


def test_taiwan_in_its_official_spelling_names_taiwan(gazetteer: Gazetteer) -> None:
    assert countries_in("臺灣的半導體出口持續成長。", gazetteer) == {"TW"}


@pytest.mark.parametrize("text, expected", [
    ("查德政府宣布延長緊急狀態。", {"TD"}),
    ("尼日軍方表示已控制局勢。", {"NE"}),
    ("奈及利亞總統出席區域峰會。", {"NG"}),
    ("馬利過渡政府延後選舉。", {"ML"}),
    ("布吉納法索北部再傳襲擊。", {"BF"}),
])
def test_a_sahel_country_as_taiwan_writes_it_is_recognised(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("武裝分子在查德湖北岸的漁村縱火。", {"TD"}),      # Taiwan's Lake Chad, then 北岸: not 湖北
    ("武裝分子在乍得湖北岸的漁村縱火。", {"TD"}),
    ("查德湖南部的島嶼上有數千名難民。", {"TD"}),      # 南部: not 湖南
    ("難民在尼日河南岸搭起帳篷。", {"NE"}),            # the Niger river's south bank: not 河南
])
def test_a_direction_after_a_lake_or_river_is_not_a_province(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text", [
    "他把東西藏在衣櫃裡。",              # 東西 + 藏: hide things
    "公司積極推廣東南亞市場。",          # 推廣 + 東南亞: promote
    "學校推廣西洋音樂教育。",            # 推廣 + 西洋: promote
    "長期穿濕鞋容易得香港腳。",          # athlete's foot
    "登山客從山東側的步道下山。",        # the mountain's east side
])
def test_a_province_name_across_a_traditional_word_boundary_is_no_place(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == set()


def test_part_of_shandong_in_traditional_is_still_shandong(gazetteer: Gazetteer) -> None:
    assert countries_in("山東部分地區實施限電。", gazetteer) == {"CN"}
