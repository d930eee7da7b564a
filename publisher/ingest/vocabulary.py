"""The words that mark a statement's parts, in English, Arabic and Kurdish (Kurmanji), in one table.

The parser's patterns are built from this table only, so a new language or a new heading is
one row here. The English forms are those of the seed statement and its
family; the Arabic and Kurmanji forms are the usual ones of joint statements of Syrian
organizations that publish in those languages ("المنظمات الموقعة" / "الموقعون" for the
signatories, "أولاً: إلى ...:" for addressed sections, "نطالب بما يلي:" as a lead-in,
"التوصيات" / "المطالب" as markers; "Rêxistinên îmzeker", "Yekem: Ji bo ...:", "Daxwazên me",
"Di dawiyê de"), written from knowledge of such texts, not checked against a corpus here.
Sorani (Arabic script) is not read: without texts to check
its headings against, guessed words would be refused or misread silently.
"""

from __future__ import annotations

import re

#: language -> ordinal words of addressed sections ("First: To ...:"), in order
ORDINALS: dict[str, list[str]] = {
    "en": ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
           "tenth", "eleventh", "twelfth"],
    "ar": ["أولاً", "ثانياً", "ثالثاً", "رابعاً", "خامساً", "سادساً", "سابعاً", "ثامناً", "تاسعاً",
           "عاشراً", "حادي عشر", "ثاني عشر"],
    "ku": ["yekem", "duyem", "sêyem", "çarem", "pêncem", "şeşem", "heftem", "heştem", "nehem",
           "dehem", "yazdehem", "dozdehem"],
}
#: the word that introduces a section's addressees ("To the Security Council:")
ADDRESS_WORDS = {"en": ["to"], "ar": ["إلى", "الى"], "ku": ["ji bo", "bo"]}
#: headings of the signatories block
SIGNATORY_HEADINGS = {
    "en": ["signatory organizations", "signatory organisations", "signatories", "signed by",
           "signing organizations", "signing organisations", "the undersigned organizations",
           "the undersigned organisations", "undersigned organizations", "undersigned organisations",
           "list of signatories"],
    "ar": ["المنظمات الموقعة", "المنظمات الموقّعة", "الجهات الموقعة", "الموقعون", "الموقّعون",
           "الموقعين", "قائمة الموقعين", "المنظمات الموقعة على البيان"],
    "ku": ["rêxistinên îmzeker", "îmzeker", "îmzekar", "rêxistinên ku îmze kirine",
           "lîsteya îmzekeran"],
}
#: section markers without an addressee: they announce the demands (not positions themselves)
DEMAND_HEADINGS = {
    "en": ["demands", "our demands", "recommendations", "our recommendations"],
    "ar": ["المطالب", "مطالبنا", "التوصيات", "نطالب بـ", "نطالب بما يلي"],
    "ku": ["daxwaz", "daxwazên me", "pêşniyar", "pêşniyarên me"],
}
#: first words of a closing appeal paragraph
APPEAL_WORDS = {"en": ["finally"], "ar": ["وأخيراً", "أخيراً", "وختاماً", "ختاماً"],
                "ku": ["di dawiyê de", "herî dawî"]}
#: a sentence that only leads in to the demands ("Therefore, we call for the following:")
LEAD_INS = {
    "en": r"(?:(?:therefore|thus|hence|accordingly|in light of this|to this end),?\s+)?we"
          r"(?:,\s+the\s+undersigned(?:\s+organi[sz]ations)?,)?\s+(?:therefore\s+|hereby\s+|jointly\s+)?(?:call\s+for|demand|urge|recommend|request)\s+"
          r"(?:the\s+following|as\s+follows)(?:\s+(?:points|measures|steps))?",
    "ar": r"(?:(?:لذلك|ولذلك|لذا|وعليه|وبناءً على ذلك)\s*،?\s*)?(?:فإننا|فإنّنا|إننا)?\s*"
          r"(?:نطالب|ندعو|نوصي)\s+(?:بما\s+يلي|بالآتي|بما\s+يأتي)",
    "ku": r"(?:(?:ji\s+ber\s+vê\s+yekê|loma|lewma),?\s+)?em\s+(?:van\s+(?:tiştan|xalan)\s+)?"
          r"(?:daxwaz\s+dikin|dixwazin|bang\s+dikin)",
}
#: function words a default slug never ends on (English, and Arabic/Kurdish after transliteration)
STOP_WORDS = frozenset({
    "a", "an", "the", "of", "on", "and", "or", "for", "to", "in", "at", "by", "with", "from", "as",
    "into", "over", "its", "their", "our", "is", "are", "be",
    "al", "fi", "min", "mn", "ila", "ala", "la", "n", "w", "wa", "li", "bi", "ma", "lil",
    "u", "ji", "di", "de", "re", "ya", "yen", "ye", "e", "ku", "bo", "ser", "ve",
})


#: Arabic tanween and shadda: "أولاً", "أولًا" and "أولا" are one word as typed by different hands
MARKS = re.compile("[\u064b\u0651]")


def fold(word: str) -> str:
    """A word as the table compares it: case, runs of spaces and optional Arabic marks folded."""
    return MARKS.sub("", " ".join(word.casefold().split()))


def alternatives(words: list[str]) -> str:
    """A regex alternation of the words, longest first (so 'signatory organizations' wins over
    'signatories'), spaces matching any run of spaces, Arabic marks optional anywhere."""
    ordered = sorted({fold(w) for w in words}, key=lambda w: (-len(w), w))
    return "|".join("".join(re.escape(c).replace(r"\ ", r"\s+") + "[\u064b\u0651]?" for c in w)
                    for w in ordered)


def every(table: dict[str, list[str]]) -> list[str]:
    return [word for words in table.values() for word in words]
