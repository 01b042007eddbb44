"""Japanese prefectures and Chinese provinces name their country; their namesakes inside words do not."""

from __future__ import annotations

import pytest

from daemon.cjk_matching import cjk_names_in, longest_name
from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, tag
from tests.tagged import countries_in

ARREST_TITLE = "高齢女性から現金詐取の疑い　会社員の男を逮捕　京都府警"
ARREST_TEXT = ("京都府警は12日、高齢の女性から現金約200万円をだまし取ったとして、自称会社員の男（34）を"
               "詐欺の疑いで逮捕した。府警によると、男は「覚えていない」と容疑を否認している。")


def test_a_prefectural_police_arrest_story_names_japan(gazetteer: Gazetteer) -> None:
    assert countries_in(ARREST_TEXT, gazetteer) == {"JP"}


def test_a_prefectural_police_arrest_story_is_about_japan(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag(ARREST_TITLE, ARREST_TEXT, gazetteer)) == {"JP"}


def test_the_police_word_alone_names_japan(gazetteer: Gazetteer) -> None:
    assert countries_in("県警によると、男は容疑を認めている。", gazetteer) == {"JP"}


def test_a_sichuan_quake_brief_is_about_china(gazetteer: Gazetteer) -> None:
    tags = tag("四川省发生5.8级地震", "据地震台网测定，四川省一县城发生5.8级地震，震源深度10公里。", gazetteer)
    assert focus_countries(tags) == {"CN"}


def test_kyoto_in_japanese_text_names_japan(gazetteer: Gazetteer) -> None:
    assert countries_in("週末の京都は紅葉を見に来た観光客でにぎわった。", gazetteer) == {"JP"}


def test_hong_kong_is_its_own_code(gazetteer: Gazetteer) -> None:
    assert countries_in("数千人周日在香港街头游行。", gazetteer) == {"HK"}


def test_a_chinese_province_as_japanese_writes_it_names_china(gazetteer: Gazetteer) -> None:
    assert countries_in("広東省の工場で火災があり、従業員が避難した。", gazetteer) == {"CN"}


def test_inner_mongolia_is_china_not_mongolia(gazetteer: Gazetteer) -> None:
    assert countries_in("内蒙古西部发生强沙尘暴。", gazetteer) == {"CN"}


def test_tokyo_metropolis_is_read_whole_and_not_as_kyoto_inside_it(gazetteer: Gazetteer) -> None:
    found = cjk_names_in("東京都知事", gazetteer.index, longest_name())
    assert [(start, end) for start, end, _ in found] == [(0, 3)]


def test_a_name_already_a_countrys_keeps_its_country_meaning(gazetteer: Gazetteer) -> None:
    assert {entry.kind for entry in gazetteer.index["台湾"]} == {"alias"}


@pytest.mark.parametrize("text", [
    "把东西藏在床下就不会丢了。",             # 东西 + 藏: hide things
    "政府警告民众不要外出。",                 # 政府 + 警告: the government warns
    "南京都市圈的交通越来越方便。",           # 南京 + 都市圈: Nanjing's metropolitan area
    "石川さんは駅前の店で働いている。",       # a surname, left out bare
    "今日は大分暖かくなった。",               # 大分: "rather"
])
def test_a_province_name_across_a_word_boundary_is_no_place(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == set()


def test_the_north_shore_of_lake_chad_is_not_hubei(gazetteer: Gazetteer) -> None:
    assert countries_in("武装分子在乍得湖北岸袭击了一个村庄。", gazetteer) == {"TD"}


def test_the_south_bank_of_the_niger_river_is_not_henan(gazetteer: Gazetteer) -> None:
    assert countries_in("难民沿尼日尔河南岸扎营。", gazetteer) == {"NE"}


def test_part_of_a_province_is_still_the_province(gazetteer: Gazetteer) -> None:
    assert countries_in("湖北部分地区出现强降雨。", gazetteer) == {"CN"}


@pytest.mark.parametrize("text, expected", [
    ("13日凌晨四川省发生地震。", {"CN"}),
    ("13日尼日尔发生袭击。", {"NE"}),
    ("12日マリで爆発があった。", {"ML"}),
])
def test_a_name_in_a_word_that_opens_with_a_date_is_found(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text", [
    "爱知县一家汽车零件厂停产。",
    "广岛县举行和平纪念仪式。",
    "冲绳县附近海域发生地震。",
    "枥木县的草莓开始上市。",
    "爱媛县的柑橘受寒害影响。",
    "鹿儿岛县樱岛火山再次喷发。",
    "长野县山区降下今冬首场大雪。",
    "长崎县的造船厂接到新订单。",
    "静冈县的茶园迎来采摘季。",
])
def test_a_japanese_prefecture_as_simplified_chinese_writes_it_names_japan(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == {"JP"}


@pytest.mark.parametrize("text", [
    "愛知縣一家汽車零件廠停工。",
    "廣島縣舉行和平紀念儀式。",
    "沖繩縣附近海域發生地震。",
    "鹿兒島縣櫻島火山再度噴發。",
])
def test_a_japanese_prefecture_as_traditional_chinese_writes_it_names_japan(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == {"JP"}


def test_a_japanese_prefecture_story_in_chinese_is_about_japan(gazetteer: Gazetteer) -> None:
    tags = tag("冲绳县发生强烈地震", "据日本气象厅消息，冲绳县近海13日发生6.1级地震，暂无人员伤亡报告。", gazetteer)
    assert focus_countries(tags) == {"JP"}


@pytest.mark.parametrize("text", [
    "他从小就热爱知识，喜欢读书。",         # 热爱 + 知识: love of knowledge, not 爱知
    "草原上群马奔腾。",                     # a herd of horses, not Gunma
    "游客们登上了井冈山。",                 # a Chinese mountain, not Okayama
    "这座幸福岛是情侣度假的热门去处。",     # an island of bliss, not Fukushima
])
def test_a_prefecture_name_inside_a_chinese_word_is_no_place(gazetteer: Gazetteer, text: str) -> None:
    assert countries_in(text, gazetteer) == set()
