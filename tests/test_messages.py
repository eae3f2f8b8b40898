"""The message catalogue (core/locale): complete in both languages, compiled as committed,
every key the code uses present and every key used, the same placeholders in both."""

from __future__ import annotations

import gettext
import io
import pickle
import string

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core import i18n
from core.errors import BilingualError
from tests import message_keys

LOCALES = ("zh_CN", "en")

# Messages whose two languages are filled from different values on purpose (a Chinese and an
# English name, a date written out in Chinese and as ISO): key -> (zh only, en only).
LANGUAGE_OWN_VALUES = {
    "briefing.base_day": ({"year", "month", "day"}, {"iso"}),
    "briefing.base_month_end": ({"month"}, {"month_name"}),
    "briefing.span_days": ({"m1", "d1", "m2", "d2"}, {"iso1", "iso2"}),
    "briefing.span_months": ({"m1", "m2"}, {"mon1", "mon2"}),
    "import.msg.id_region_named": ({"name"}, {"name_en"}),
    "error.access.no_such_county": ({"choices"}, set()),
    "error.access.no_such_role": ({"choices"}, {"roles"}),
    "error.access.role_takes_no_county": ({"role_zh"}, {"role_en"}),
    "error.backup.damaged": ({"damaged_zh"}, {"damaged_en"}),
    "error.backup.incomplete": ({"missing_zh"}, {"missing_en"}),
    "error.backup.snapshot_unusable": ({"detail_zh"}, {"detail_en"}),
    "error.bundle.lock_mismatch": (set(), {"problems"}),
    "error.bundle.lock_outdated": (set(), {"problems"}),
    "error.bundle.not_git": (set(), {"exc"}),
    "error.bundle.pip_failed": (set(), {"stdout", "stderr"}),
    "error.filters.unknown_value": ({"what_zh"}, {"what_en"}),
    "error.settings.invalid_choice": ({"choices_zh"}, {"choices_en"}),
    "error.settings.invalid_value": ({"allowed_zh"}, {"allowed_en"}),
    "error.targets.not_targetable": ({"name_zh"}, {"name_en"}),
    "error.store.id_mismatch": (set(), {"snapshot_id"}),
    "error.targets.value_not_whole": ({"name_zh", "unit"}, {"name_en"}),
    "targets.sheet.bad_unit": ({"name_zh"}, {"name_en"}),
}


def po(locale: str, text: str | None = None):
    path = i18n.LOCALE_DIR / locale / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    return read_po(io.StringIO(text if text is not None else path.read_text(encoding="utf-8")),
                   locale=locale)


def messages(catalog) -> dict[str, str]:
    return {m.id: m.string for m in catalog if m.id}


def placeholders(text: str) -> set[str]:
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(text)
            if field is not None}


def missing_text(zh: dict, en: dict) -> list[str]:
    return sorted(k for k in zh.keys() | en.keys() if not zh.get(k) or not en.get(k))


def test_every_message_has_chinese_and_english_text():
    zh, en = messages(po("zh_CN")), messages(po("en"))
    assert len(zh) > 700
    assert zh.keys() == en.keys(), sorted(zh.keys() ^ en.keys())
    assert missing_text(zh, en) == []
    assert not [k for k, v in zh.items() if v == k] and not [k for k, v in en.items() if v == k]


def test_a_missing_translation_is_caught():
    text = (i18n.LOCALE_DIR / "en" / "LC_MESSAGES" / "heze.po").read_text(encoding="utf-8")
    planted = text.replace('msgstr "Sign in"\n', 'msgstr ""\n', 1)
    assert planted != text
    assert missing_text(messages(po("zh_CN")), messages(po("en", planted))) == ["access.login"]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_committed_mo_files_are_the_po_files_compiled(locale):
    buffer = io.BytesIO()
    write_mo(buffer, po(locale))
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)._catalog
    path = i18n.LOCALE_DIR / locale / "LC_MESSAGES" / "heze.mo"
    with path.open("rb") as f:
        committed = gettext.GNUTranslations(f)._catalog
    compiled.pop("", None), committed.pop("", None)  # the header: its dates may differ
    assert committed == compiled, "run make messages"


def test_every_key_the_code_uses_is_in_the_catalogue_and_every_key_is_used():
    catalogue = set(i18n.keys())
    strict, used = message_keys.used_keys(catalogue)
    assert len(strict) > 500
    assert {k: where for k, where in strict.items() if k not in catalogue} == {}
    assert sorted(catalogue - used) == []


def test_a_key_the_catalogue_lacks_is_found_in_the_code():
    source = ('from access.text import t\nfrom data.store import StoreError\n'
              't("no_such_words")\nraise StoreError("error.store.not_a_key", snapshot_id=1)\n')
    strict, _ = message_keys.scan(source, "pages/example.py", set(i18n.keys()))
    assert {"access.no_such_words", "error.store.not_a_key"} <= strict.keys()


def test_both_languages_fill_the_same_placeholders():
    zh, en = messages(po("zh_CN")), messages(po("en"))
    differ = {}
    for key in zh:
        only_zh, only_en = placeholders(zh[key]) - placeholders(en[key]), \
            placeholders(en[key]) - placeholders(zh[key])
        if (only_zh, only_en) != LANGUAGE_OWN_VALUES.get(key, (set(), set())):
            differ[key] = (only_zh, only_en)
    assert differ == {}


def test_text_fills_placeholders_and_refuses_an_unknown_key():
    assert i18n.text("access.login", "zh") == "登录"
    assert i18n.text("access.login", "en") == "Sign in"
    assert i18n.text("access.login", "fr") == "Sign in"  # anything but zh is English
    assert i18n.text("ui.user_added", "en", name="li") == "User li added."
    assert i18n.pair("ui.user_added", name="li") == ("已新增用户 li。", "User li added.")
    with pytest.raises(KeyError):
        i18n.text("access.no_such_words")


def test_an_error_says_itself_in_both_languages_and_survives_pickling():
    from data.store import StoreError

    err = StoreError("error.store.no_such_snapshot", snapshot_id="s1")
    assert str(err) == "没有编号为 s1 的快照 / no snapshot s1"
    assert (err.zh, err.en, err.message("en")) == ("没有编号为 s1 的快照", "no snapshot s1",
                                                   "no snapshot s1")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is StoreError and str(again) == str(err) and again.key == err.key
    assert isinstance(err, BilingualError) and isinstance(err, RuntimeError)
