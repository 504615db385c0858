"""The words that mark a person instead of describing a service, in Chinese and English: the one list."""

from __future__ import annotations

from enum import StrEnum


class Marking(StrEnum):
    religion = "religion"
    ethnicity = "ethnicity"
    politics = "politics"
    watch_status = "watch_status"


# Chinese has no word boundaries: each entry matches anywhere in the text. Entries are chosen so
# that ordinary service words do not contain them (重点帮扶 is help, 重点人员 is a watch list).
ZH: dict[Marking, tuple[str, ...]] = {
    Marking.religion: ("宗教", "信教", "教徒", "信徒", "基督", "天主教", "伊斯兰", "穆斯林", "佛教", "道教",
                       "清真寺", "教堂", "寺庙", "邪教"),
    Marking.ethnicity: ("民族", "族裔", "种族", "汉族", "回族", "维吾尔", "维族", "藏族", "蒙古族", "壮族",
                        "苗族", "彝族", "满族"),
    Marking.politics: ("政治", "政见", "异见", "上访", "信访户", "维权人士", "法轮"),
    Marking.watch_status: ("重点人员", "重点户", "重点关注", "重点对象", "重点监控", "重点管控", "管控对象",
                           "监控", "监视", "布控", "维稳", "风险", "危险人员", "可疑", "黑名单", "关注对象"),
}

# English: matched from the start of a word, with any ending (religious, politics, risks).
EN: dict[Marking, tuple[str, ...]] = {
    Marking.religion: ("religio", "faith", "church", "mosque", "muslim", "islam", "christian",
                       "catholic", "protestant", "buddhis", "taois", "jewish", "hindu"),
    Marking.ethnicity: ("ethnic", "race", "racial", "minority", "minorities", "uyghur", "uighur", "tibetan",
                        "han chinese", "mongol"),
    Marking.politics: ("politic", "dissident", "petitioner", "activist", "party affiliation"),
    # "watch" only where it is about people: a "building safety watch" is a service.
    Marking.watch_status: ("risk", "watchlist", "watch list", "under watch", "on watch", "to watch", "risk watch",
                           "watch status", "surveil", "suspect", "suspicious", "blacklist",
                           "key person", "monitored", "stability maintenance"),
}
