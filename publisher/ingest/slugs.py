"""Default statement slugs: whole words of the title, at most MAX_SLUG characters, never
ending on a function word ("...-demand-urgent-action-on" said less than it seemed to).

Arabic-script titles are romanized letter by letter with the table below (anyascii drops the
article's vowel and writes `'` and `` ` `` for hamza and ain: "mjls l'mn ldwly"); unwritten
short vowels stay unwritten, but the article reads "al-" and long vowels read as vowels:
"مجلس الأمن الدولي" -> "mjls-al-amn-al-duli". The table is fixed, so a slug is the same on
every run and machine.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from publisher.ingest.vocabulary import STOP_WORDS

MAX_SLUG = 60
ARABIC_LETTERS = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ء": "", "ؤ": "u", "ئ": "i", "ب": "b", "ت": "t", "ث": "th",
    "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh",
    "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "ى": "a", "ة": "a",
    # Persian and Kurdish letters
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ڤ": "v", "ک": "k", "ە": "e", "ۆ": "o", "ێ": "e",
    "ڕ": "r", "ڵ": "l",
}
WEAK = {"و": ("w", "u"), "ي": ("y", "i"), "ی": ("y", "i")}  # consonant before a vowel letter, else vowel
VOWEL_LETTERS = set("اأآوىيیة")
ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")


def romanize_arabic_word(word: str) -> str:
    """One Arabic-script word in Latin letters: 'al-' for the article, w/y before a vowel letter
    and u/i elsewhere, other letters from ARABIC_LETTERS (diacritics and tatweel dropped)."""
    letters = [c for c in word if c in ARABIC_LETTERS or c in WEAK or c.isdigit()]
    out = []
    prefix = ""
    if len(letters) > 3 and letters[:2] == ["ا", "ل"]:
        prefix, letters = "al-", letters[2:]
    for k, char in enumerate(letters):
        if char in WEAK:
            following = letters[k + 1] if k + 1 < len(letters) else ""
            consonant, vowel = WEAK[char]
            out.append(consonant if k == 0 or following in VOWEL_LETTERS else vowel)
        elif char == "ع":  # ain: unwritten inside a word, read as its vowel at the start ("ala")
            out.append("a" if k == 0 else "")
        elif char.isdigit():
            out.append(str(unicodedata.decimal(char)))
        else:
            out.append(ARABIC_LETTERS[char])
    return prefix + "".join(out)


def words_of(title: str) -> list[str]:
    """The title's words in lowercase ASCII letters and digits."""
    romanized = ARABIC_WORD.sub(lambda m: " " + romanize_arabic_word(m.group()) + " ", title)
    decomposed = unicodedata.normalize("NFKD", romanized)
    ascii_text = anyascii("".join(c for c in decomposed if not unicodedata.combining(c)))
    return re.findall(r"[a-z0-9]+", ascii_text.lower())


def default_slug(title: str) -> str:
    """Whole words of the title up to MAX_SLUG characters, trailing function words dropped."""
    words = words_of(title)
    if not words:
        return "statement"
    kept: list[str] = []
    for word in words:
        if len("-".join([*kept, word])) > MAX_SLUG:
            break
        kept.append(word)
    if not kept:  # one word longer than the limit
        return words[0][:MAX_SLUG]
    while len(kept) > 1 and kept[-1] in STOP_WORDS:
        kept.pop()
    return "-".join(kept)
