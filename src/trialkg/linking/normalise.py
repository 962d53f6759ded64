"""Normalisation of mentions: the one place that decides when two spellings are one name.

A record writes "Imatinib Mesylate 400 mg tablets", another "imatinib (IM)", a
third "Gleevec". The functions here are pure text functions; the lexicon
(``trialkg.linking.lexicon``) decides what a cleaned name stands for.

- ``fold``: Unicode compatibility form, case folding, one spelling of dashes,
  quotes and spaces, no registered/trade marks.
- ``lookup_key``: the form every lexicon term and every mention is compared
  in: folded, accents and Greek letters spelled out, punctuation and spaces
  dropped ("Non-Small-Cell Lung Cancer" and "non small cell lung cancer" agree).
- ``drug_name_variants``: a drug mention without dose, route, form and
  frequency words, then without salt words.
- ``split_combination``: "A + B", "A plus B", "A/B", "A and B" into parts.
- ``defined_abbreviations``: "imatinib (IM)" in a record's text defines IM;
  ``is_short_abbreviation``: "PPD", a name the linker treats with care.

``NORMALISER_VERSION`` is recorded in the shipped lexicon; change it whenever
``lookup_key`` changes, and rebuild the lexicon.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from trialkg.linking.link_values import NameForm
from trialkg.text import fold


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


NORMALISER_VERSION = "3"

_GREEK_LETTERS = _word_set(
    """
    alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho
    sigma tau upsilon phi chi psi omega
    """
)
_GREEK_TABLE = str.maketrans(
    {
        unicodedata.lookup(f"GREEK SMALL LETTER {name.upper().replace('LAMBDA', 'LAMDA')}"): name
        for name in sorted(_GREEK_LETTERS)
    }
    | {"\u03c2": "sigma", "\u00b5": "mu"}  # final sigma, micro sign
)


def _plain_letters(text: str) -> str:
    """Folded text with Greek letters spelled out and accents dropped (é -> e, ß stays ss)."""
    value = fold(text)
    if value.isascii():
        return value
    value = value.translate(_GREEK_TABLE)
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def lookup_key(text: str) -> str:
    """The form in which lexicon terms and mentions are compared: letters and digits only."""
    value = _plain_letters(text)
    if value.isascii():
        return _ASCII_NON_ALNUM.sub("", value)
    return "".join(ch for ch in value if ch.isalnum())


_ASCII_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def words(text: str) -> list[str]:
    """The folded words of a text: letters and digits, split at everything else."""
    return [w for w in _NON_WORD.split(_plain_letters(text)) if w]


_NON_WORD = re.compile(r"[^\w]+|_+")


def term_key(name: str) -> str:
    """A readable IRI-safe key of a name: folded words joined by hyphens."""
    return "-".join(words(name)) or "x"


# -- parentheses --------------------------------------------------------------------------

_PAREN_CONTENT = re.compile(r"[(\[\uff08]([^()\[\]\uff08\uff09]*)[)\]\uff09]")


def strip_parentheses(text: str) -> str:
    """Text without parenthesised asides: "imatinib (IM)" -> "imatinib".

    One pass with a stack, so that a long or unbalanced text costs linear time; an
    opening bracket that is never closed stays, with what follows it.
    """
    if "(" not in text and "[" not in text and "\uff08" not in text:
        return " ".join(text.split())
    depth = [0] * (len(text) + 1)
    opened: list[int] = []
    for index, ch in enumerate(text):
        if ch in _OPEN:
            opened.append(index)
        elif ch in _CLOSE and opened:
            start = opened.pop()
            depth[start] += 1
            depth[index + 1] -= 1
    kept: list[str] = []
    level = 0
    for index, ch in enumerate(text):
        level += depth[index]
        kept.append(" " if level else ch)
    return " ".join("".join(kept).split())


_OPEN = frozenset("([\uff08")
_CLOSE = frozenset(")]\uff09")


def parenthesised(text: str) -> list[str]:
    """The innermost parenthesised asides of a text, in order: "LCZ696" in "sacubitril (LCZ696)"."""
    return [m.group(1).strip() for m in _PAREN_CONTENT.finditer(text) if m.group(1).strip()]


# -- drugs --------------------------------------------------------------------------------

# Salt and hydrate words that name a form of the active ingredient, not another drug.
SALT_WORDS = _word_set(
    """
    mesylate mesilate dimesylate methanesulfonate hydrochloride dihydrochloride hcl
    hydrobromide sodium disodium potassium calcium magnesium malate dimalate maleate
    tartrate bitartrate citrate dicitrate phosphate diphosphate sulfate sulphate
    bisulfate acetate diacetate succinate fumarate besylate besilate tosylate tosilate
    lactate gluconate bromide chloride nitrate oxalate monohydrate dihydrate trihydrate
    sesquihydrate hemihydrate hydrate anhydrous tromethamine meglumine ditosylate
    esylate napsylate pamoate embonate mofetil hyclate
    """
)
# "Imatinib free base": the ingredient without its salt.
_BASE_WORDS = frozenset({"base", "free"})

# Dose, unit, route, dosage-form and frequency words: they say how much or how, not what.
FORM_WORDS = _word_set(
    """
    tablet tablets tab tabs capsule capsules cap caps injection injections injectable
    infusion infusions solution solutions suspension oral orally iv intravenous
    intravenously subcutaneous subcutaneously sc po im intramuscular intramuscularly
    topical cream ointment gel patch film coated filmcoated extended release sustained
    modified delayed controlled daily once twice thrice bid tid qd qid qod qw q2w q3w
    q4w weekly biweekly monthly dose doses dosing dosage regimen mode administration
    administered route fdc granules powder syrup drops spray inhaler inhalation
    nebulised nebulized mg g mcg ug ng ml l kg m2 iu units unit gy cgy day days week
    weeks cycle cycles level low high standard drug group arm cohort of per recombinant
    epidural intrathecal intravitreal intranasal nasal sublingual transdermal buccal
    intradermal intralesional intraarticular intra-articular perineural rectal vaginal
    ophthalmic er xr sr xl odt therapy therapies monotherapy treatment
    """
)
# How long it is given: "for 6-12 weeks", "x 5 days", "during 3 months".
_DURATION = re.compile(
    r"\b(?:(?:for|during|over|x|\u00d7)\s+)?\d+(?:\s*(?:-|to|\u2013)\s*\d+)?\s*"
    r"(?:hours?|hrs?|days?|weeks?|wks?|months?|years?)\b"
)
# Words that make a mention a placebo, whatever drug it imitates.
_PLACEBO = frozenset({"placebo", "placebos", "dummy", "sham"})
# A leading intervention-type label: "Drug: Afatinib".
_TYPE_LABEL = re.compile(
    r"^\s*(?:drug|biological|biologic|procedure|radiation|device|other|dietary supplement|"
    r"combination product|genetic|behavioral|diagnostic test|"
    r"(?:arm|group|cohort) [a-z0-9]{1,3})\s*:\s*",
    re.IGNORECASE,
)


@lru_cache(maxsize=16384)
def drug_name_variants(name: str) -> tuple[tuple[str, NameForm], ...]:
    """Cleaner and cleaner forms of a drug mention, each with the step that made it.

    ``[("Imatinib Mesylate 400 mg tablets", "as-written"), ("imatinib mesylate",
    "normalised"), ("imatinib", "salt")]``; a step that changes nothing is left out.
    """
    found: list[tuple[str, NameForm]] = [(name, "as-written")]
    seen = {lookup_key(name)}

    def add(text: str, step: NameForm) -> None:
        key = lookup_key(text)
        if key and key not in seen:
            seen.add(key)
            found.append((text, step))

    plain = _TYPE_LABEL.sub("", strip_parentheses(fold(name)))
    kept = [w for w in _drug_words(plain) if not _is_form_word(w)]
    add(" ".join(kept), "normalised")
    core = [w for w in kept if w not in SALT_WORDS and w not in _BASE_WORDS]
    if core and len(core) < len(kept):
        add(" ".join(core), "salt")
    # "FGFR Inhibitor AZD4547", "PI3K-beta Inhibitor GSK2636771": the code names the drug.
    codes = [w for w in kept if is_code(w)]
    if len(codes) == 1 and len(kept) > 1:
        add(codes[0], "code")
    return tuple(found)


_CODE = re.compile(r"^[a-z]{1,6}-?[a-z]?\d{3,}[a-z0-9-]*$")


def regimen_name(name: str) -> str | None:
    """MeSH's name for the regimen a drug mention may name: "FOLFIRI regimen" and "CHOP"
    are MeSH's "FOLFIRI protocol" and "CHOP protocol". Only a short name of at least
    four letters ("AC", "TC" alone say too little), with no dose or form words."""
    kept = [w for w in _drug_words(strip_parentheses(fold(name))) if not _is_form_word(w)]
    if kept and kept[-1] in ("protocol", "chemotherapy"):
        kept = kept[:-1]
    if not kept or len(kept) > 3 or sum(ch.isalpha() for w in kept for ch in w) < 4:
        return None
    return " ".join([*kept, "protocol"])


def is_code(word: str) -> bool:
    """A development code such as azd4547, shr-1210 or jdq443: letters, then three digits or
    more (so "pd-1", "pd-l1" and "cd19", which name proteins, are not codes)."""
    return bool(_CODE.match(word))


def is_short_abbreviation(text: str) -> bool:
    """An all-capital abbreviation of two to five letters, one token: "PPD", "COPD", "COVID-19".

    Such a name means different things in different records ("PPD": postpartum
    depression, purified protein derivative, a pseudorheumatoid dysplasia), so the
    linker links such a condition only on firm evidence (``Resolver._abbreviation``).
    """
    stripped = text.strip()
    if not stripped or len(stripped) > 12 or any(ch.isspace() for ch in stripped):
        return False
    letters = [ch for ch in stripped if ch.isalpha()]
    return 2 <= len(letters) <= 5 and all(ch.isupper() for ch in letters)


def is_abbreviation_of(short: str, text: str) -> bool:
    """True when short looks like an abbreviation of text: "IM" of imatinib, "DHAP" of
    "Dihydroartemisinin-piperaquine" (its letters, in order, starting with the first)."""
    letters = lookup_key(short)
    if not letters.isalpha() or not 2 <= len(letters) <= 6:
        return False
    haystack = lookup_key(text)
    if not haystack or haystack[0] != letters[0]:
        return False
    position = 0
    for ch in letters:
        position = haystack.find(ch, position) + 1
        if position == 0:
            return False
    return True


_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?(?:\s*[-~]\s*\d+(?:[.,]\d+)?)?\s*"
    r"(?:mg|g|mcg|\u00b5g|\u03bcg|ug|ng|ml|l|iu|u|units?|%|gy|cgy|mmol|meq)"
    r"(?:\s*/\s*(?:m2|m²|kg|day|d|dose|ml|l|h|week|wk))?(?![a-z])"
)


def _is_form_word(word: str) -> bool:
    """A dose, form or frequency word, or a hyphenated run of them ("once-daily")."""
    return word in FORM_WORDS or (
        "-" in word and all(p in FORM_WORDS for p in word.split("-") if p)
    )


def _drug_words(text: str) -> list[str]:
    """Words of a folded drug mention with doses removed; hyphenated codes stay one word."""
    value = _DOSE.sub(" ", _DURATION.sub(" ", text))
    value = re.sub(r"[,;:()\[\]{}]|\.(?=\s|$)", " ", value)
    return [w.strip(".-'\"") for w in value.split() if w.strip(".-'\"")]


def is_placebo(name: str) -> bool:
    return any(w in _PLACEBO for w in words(name))


# -- combinations -------------------------------------------------------------------------

_COMBINATION = re.compile(
    r"(?:->|\u2192|\+|/|;|,|\uff0c|\uff1b|\u3001|&|"
    r"\bplus\b|\band\b|\bor\b|\bthen\b|\bcombined with\b|"
    r"\bin combination with\b|\bfollowed by\b|\bwith(?! or without)\b)",
    re.IGNORECASE,
)


def split_combination(name: str) -> list[str]:
    """The parts of a combination mention, or ``[name]`` when it names one thing.

    Separators inside parentheses do not split ("sacubitril/valsartan (LCZ696)" has
    two parts, "(10mg,40mg)" none). The caller decides whether the parts are drugs.
    """
    text = _TYPE_LABEL.sub("", name)
    masked = _mask_parentheses(text)
    parts: list[str] = []
    start = 0
    for match in _COMBINATION.finditer(masked):
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    cleaned = [p.strip(" .") for p in parts if p.strip(" .")]
    return cleaned if len(cleaned) > 1 else [name]


def _mask_parentheses(text: str) -> str:
    """The text with everything inside parentheses replaced by spaces (same length)."""
    out = []
    depth = 0
    for ch in text:
        if ch in "([\uff08":
            depth += 1
        if depth:
            out.append(" ")
        else:
            out.append(ch)
        if ch in ")]\uff09" and depth:
            depth -= 1
    return "".join(out)


# -- abbreviations ------------------------------------------------------------------------

_ASIDE = re.compile(r"[(\[][ \t]*([A-Za-z0-9][A-Za-z0-9\-]{0,9})[ \t]*[)\]]")
_WORD = re.compile(r"^[^\W\d_][\w'\-]*$")
_ROMAN = re.compile(r"^[ivxl]+$")


def defined_abbreviations(text: str, known: Callable[[str], bool] | None = None) -> dict[str, str]:
    """Abbreviations a record defines in parentheses: "imatinib (IM)" gives {"im": "imatinib"}.

    The expansion is the shortest tail of the words before the parenthesis whose
    initials spell the abbreviation, or one word that the abbreviation begins; when
    ``known`` is given, also the shortest tail it recognises (so "lamivudine (3TC)"
    defines 3TC). Keys are ``lookup_key`` forms. Used within that record only: "IM"
    means imatinib in one trial and intramuscular in the next.
    """
    found: dict[str, str] = {}
    for match in _ASIDE.finditer(text):
        abbreviation = match.group(1)
        letters = lookup_key(abbreviation)
        if not letters or not any(ch.isalpha() for ch in letters) or letters in found:
            continue
        if (abbreviation.islower() and len(abbreviation) > 3) or _ROMAN.match(letters):
            continue  # "(placebo)", "(optional)", "(II)": an aside, not an abbreviation
        tokens: list[str] = []
        for token in reversed(text[max(0, match.start() - 160) : match.start()].split()[-6:]):
            if not _WORD.match(token):
                break
            tokens.insert(0, token)
        expansion = _expansion(tokens, letters, known) if tokens else None
        if expansion and lookup_key(expansion) != letters:
            found[letters] = expansion
    return found


def _expansion(tokens: list[str], letters: str, known: Callable[[str], bool] | None) -> str | None:
    for size in range(1, len(tokens) + 1):
        tail = tokens[-size:]
        initials = "".join(_initials(w) for w in tail)
        if initials == letters or (size == 1 and lookup_key(tail[0]).startswith(letters)):
            return " ".join(tail)
    if known is not None:
        # A tail the lexicon knows, starting as the abbreviation does ("aspartate
        # transaminase (AST)"); an abbreviation with digits is a code that may name any
        # known name ("lamivudine (3TC)", "paclitaxel poliglumex (CT-2103)").
        coded = any(ch.isdigit() for ch in letters)
        for size in range(1, min(len(tokens), 4) + 1):
            phrase = " ".join(tokens[-size:])
            if (coded or lookup_key(phrase)[:1] == letters[:1]) and known(phrase):
                return phrase
    return None


def _initials(word: str) -> str:
    """Initials of a word for abbreviation matching: "Non-Small" -> "ns"."""
    return "".join(part[:1] for part in _INITIAL_SPLIT.split(word.lower()) if part)


_INITIAL_SPLIT = re.compile(r"[-'/]")
