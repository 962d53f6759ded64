"""The kinds of text that are never a trial's name, as data the precision check reads.

Each entry is a pattern matched against the whole value (case and spacing set aside),
so a name that merely contains one of these words ("Randomized Withdrawal Cohort")
is not refused. Add a site's furniture here, not in a reader.
"""

from __future__ import annotations

import re

# Values of the design fields, as ClinicalTrials.gov and the sites that copy it display them.
# A whole value like these is a study type, allocation, model, masking, purpose, status or
# phase: never a condition, intervention, sponsor or site.
DESIGN_VALUES = (
    r"interventional(?: \(clinical trial\))?",
    r"observational(?: \[?\(?patient registry\)?\]?)?",
    r"expanded access",
    r"(?:non-?)?randomi[sz]ed",
    r"n/?a",
    r"not applicable",
    r"(?:single group|parallel|crossover|factorial|sequential) assignment",
    r"(?:single group|parallel|crossover|factorial|sequential)",
    r"none \(open label\)",
    r"open label",
    r"(?:single|double|triple|quadruple)(?: blind)? \([^()]{0,120}\)",
    r"(?:single|double|triple|quadruple)[ -]blind",
    r"(?:supportive care|health services research|basic science|device feasibility)",
    r"(?:cohort|case-control|case-only|case-crossover|ecologic or community|family-based)",
    r"(?:prospective|retrospective|cross-sectional)",
    r"(?:not yet recruiting|recruiting|active,? not recruiting|completed|terminated|withdrawn"
    r"|suspended|enrolling by invitation|unknown status|available|no longer available"
    r"|temporarily not available|approved for marketing)",
    r"(?:all|male|female|both)",
    r"(?:yes|no|accepts healthy volunteers)",
    r"(?:actual|estimated|anticipated)",
)

# Phases: a design value where a condition, intervention, sponsor or site belongs; arms of
# dose-escalation studies are named "Phase 1" and "Phase 2".
PHASE_VALUES = (
    r"(?:early )?phase (?:[1-4]|i{1,3}|iv)(?: ?[/|,&] ?(?:phase )?(?:[1-4]|i{1,3}|iv))*",
)

# Bare maskings: arms are named "Single" or "Double" (a dose), other items are not.
MASKING_VALUES = (r"(?:single|double|triple|quadruple)",)

# Purposes: a whole value like these is a design value where a condition, intervention,
# sponsor or site belongs, but real arm groups are named "Treatment" or "Prevention".
PURPOSE_VALUES = (r"(?:treatment|prevention|diagnostic|screening|other)",)

# Page furniture: navigation, help, cookie and status text. Matched anywhere in the value.
PAGE_TEXT = (
    r"working…|working\.\.\.|loading…|loading\.\.\.",
    r"we're building a better clinicaltrials\.gov",
    r"this is the classic website",
    r"modernized clinicaltrials\.gov",
    r"as listed by the trial registrant",
    r"\bcookies?\b",
    r"javascript",
    r"skip to (?:main )?content",
    r"\b(?:sign|log) (?:in|up)\b",
    r"privacy (?:policy|statement|notice)",
    r"terms (?:of use|and conditions|of service)",
    r"back to (?:top|search|results)",
    r"(?:print|share|save|email) this (?:page|study|trial)",
    r"\bclick here\b",
    r"subscribe to",
    r"\bsearch results?\b",
    r"(?:view|show) (?:more|less|all)\b",
    r"see (?:all )?(?:\d+ )?(?:more )?(?:locations|study locations|sites)\b",
    r"^(?:menu|home|search|next|previous|close|help|share|print|download|more|expand all"
    r"|collapse all|hide|show)$",
)

# A question is a page's heading or its help ("What are the researchers trying to find out?"),
# where a name belongs; titles may be questions ("Do Fish Oils Prevent Restenosis?").
QUESTION = re.compile(r"\?\s*$")

# A link, an e-mail address or a site's own name ("https://...", "ClinicalTrials.gov"): never
# a title, condition, intervention, arm or sponsor. Registries do name a few facilities by their
# web address ("Www.Restoreclinicaltrial.Com"), so sites are not judged by these.
LINK_TEXT = (
    r"https?://|\bwww\.|[\w.+-]{1,64}@[\w-]{1,63}\.\w",  # bounded: linear on any line
    r"^[\w-]{1,63}(?:\.[\w-]{1,63}){0,4}\.(?:com|org|gov|net|edu|info|uk|au|ca|de|fr|eu|ai|io)$",
)

# Intervention types and arm types as a page writes them in front of a name: "Drug: X" is an
# intervention, never an arm's label; "Experimental: X" is an arm, never an intervention.
INTERVENTION_PREFIX = (
    r"(?:drug|device|biological|biologic|procedure|procedure/surgery|radiation|behavioral"
    r"|genetic|dietary supplement|combination product|diagnostic test)\s*:\s*\S.*"
)
ARM_PREFIX = (
    r"(?:experimental|active comparator|placebo comparator|sham comparator|no intervention)"
    r"\s*:\s*\S.*"
)

# Counts: a number with what it counts, "117 participants", "n = 40", "2,539 (Actual)".
COUNT = (
    r"(?:n\s*=\s*)?\d[\d,.]*\s*(?:participants?|patients?|subjects?|people|persons|volunteers"
    r"|individuals|children|adults|women|men|sites?|locations?|countries|centers|centres)?"
    r"(?:\s*\((?:actual|estimated|anticipated)\))?"
)
COUNT_WITH_UNIT = (
    r"(?:n\s*=\s*)?\d[\d,.]*\s*(?:participants?|patients?|subjects?|people|persons|volunteers"
    r"|individuals|sites?|locations?|countries|centers|centres)(?:\s*\((?:actual|estimated"
    r"|anticipated)\))?"
)

# Dates, whole: "October 2008", "August 4, 2020", "2020-08-04", "04/08/2020", "Q3 2021",
# and the same with a qualifier or as a range.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ONE_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{1,2}(?:-\d{1,2})?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|q[1-4]\s+\d{4}|(?:19|20)\d\d)"
)
DATE = (
    rf"(?:(?:actual|estimated|anticipated)\s*:?\s*)?{_ONE_DATE}"
    rf"(?:\s*(?:-|\u2013|to)\s*{_ONE_DATE})?(?:\s*\((?:actual|estimated|anticipated)\))?"
)


def whole(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


DESIGN = whole(DESIGN_VALUES)
FURNITURE = whole(PAGE_TEXT)
LINK = whole(LINK_TEXT)
INTERVENTION_PREFIXED = whole((INTERVENTION_PREFIX,))
ARM_PREFIXED = whole((ARM_PREFIX,))
COUNTED = whole((COUNT,))
COUNTED_WITH_UNIT = whole((COUNT_WITH_UNIT,))
DATED = whole((DATE,))
