"""The linker's controlled values: how a concept relates to a mention, how the lexicon
knows a name, what a concept is, and how a mention was read.

The lexicon file spells the first three in one-letter codes (``linking.lexicon``
decodes them, and nothing else reads the letters); the rest of linking, and the
links it hands the mapping, use these names.
"""

from __future__ import annotations

from typing import Literal

# A link to a vocabulary term: the term means the mention (skos:exactMatch), or it is
# near it, broader or narrower (skos:closeMatch).
Relation = Literal["exact", "close"]

# How the lexicon knows a name of a concept, best first.
TermSource = Literal[
    "overlay",  # the user's overlay file, relation exact
    "overlay-close",  # the user's overlay file, relation close
    "curated",  # trialkg's curated table: the concept itself
    "curated-close",  # trialkg's curated table: a concept near it
    "preferred",  # the concept's preferred name
    "synonym",  # an entry term or synonym of the concept itself
    "brand",  # a brand name of the substance
    "other-concept",  # a term of another concept of the same MeSH descriptor
    "drugbank",  # a DrugBank name or synonym
    "mondo",  # a MONDO synonym
]

# What a concept of the lexicon is (a concept may be several).
ConceptType = Literal[
    "drug",  # a chemical or drug (MeSH tree D)
    "drug-class",  # a class of drugs by action or use ("Immune Checkpoint Inhibitors")
    "regimen",  # a chemotherapy protocol
    "disease",  # a disease or behavioural symptom (C, F03)
    "procedure",  # a procedure or therapy (E, F04)
    "device",  # a device (E07)
    "organisation",  # an organisation the user's overlay names
]

# How a reading of the lexicon links (the first step of a mention's method).
ReadingMethod = Literal["overlay", "curated", "exact", "synonym", "brand"]

# The steps a mention may be read through after the lexicon's reading: its name
# cleaned, or read through the record's own evidence.
Step = Literal[
    "normalised",  # doses, routes and forms removed
    "salt",  # a salt form's words removed
    "code",  # a development code
    "other-name",  # the intervention's other names, or an aside in its name
    "abbreviation",  # what the record says the abbreviation stands for
    "registry-mesh",  # the registry's MeSH indexing names it
    "registry-derived",  # the registry's MeSH term, in other words
    "modifier",  # a condition without words that qualify it ("recurrent", "stage IV")
    "procedure-head",  # the head of a procedure's name
    "reworded",  # a condition in another word order, or narrowed by site, age or stage
    "vaccine-head",  # a vaccine the lexicon lacks, read as the class its name ends with
    "regimen",  # a chemotherapy regimen by MeSH's name for it ("CHOP" as CHOP protocol)
]

# How a mention was read: the reading's method or the step that found the name, then
# what confirmed or divided it, as ("synonym", "registry-mesh") or ("salt", "split").
# A Concept writes it joined by "+": "synonym+registry-mesh".
MethodPart = ReadingMethod | Step | Literal["split"]

# The forms of a drug mention ``linking.normalise`` makes, cleaner and cleaner.
NameForm = Literal["as-written", "normalised", "salt", "code"]

# How a link from a node to a vocabulary term was made (``Match.method``).
LinkMethod = Literal[
    "vocabulary-term",  # the node is the term
    "close-reading",  # the node is the mention's own words, read as close to the term
    "cross-reference",  # the term's vocabulary cross-references it
    "salt-form",  # the salt the record named
    "overlay",  # the user's overlay file
    "registry-mesh",  # the registry's MeSH indexing
    "registry-derived",  # the registry's MeSH term, named in other words
]
