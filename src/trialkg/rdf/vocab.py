"""The terms trialkg writes. ``data/vocabulary.ttl`` documents each one (a test checks)."""

from __future__ import annotations

from trialkg.linking.prefixes import ALL_PREFIXES

TKG = "https://w3id.org/trialkg/vocab#"
ID = "https://w3id.org/trialkg/id/"
GRAPH = "https://w3id.org/trialkg/graph/"
# What vocabularies say of nodes that trials share, written once for all trials.
SHARED_GRAPH = GRAPH + "shared"
# The whole-store aggregates that named queries read, computed after each write
# (trialkg.summary); derived, so left out of exports and counts.
SUMMARY_GRAPH = GRAPH + "summary"
CTGOV = "https://clinicaltrials.gov/study/"
MESH = "http://id.nlm.nih.gov/mesh/"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "http://schema.org/"
BIOLINK = "https://w3id.org/biolink/vocab/"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"

# Export prefixes: the one prefix registry's (the vocabularies links point at, the
# project's and the registry's namespaces, and the W3C vocabularies above).
PREFIXES = dict(ALL_PREFIXES)

TYPE = RDF + "type"
LABEL = RDFS + "label"
EXACT_MATCH = SKOS + "exactMatch"
CLOSE_MATCH = SKOS + "closeMatch"
IN_CLINICAL_TRIALS_FOR = BIOLINK + "in_clinical_trials_for"

# Classes
Trial = TKG + "Trial"
Arm = TKG + "Arm"
Intervention = TKG + "Intervention"
Condition = TKG + "Condition"
Organisation = TKG + "Organisation"
Site = TKG + "Site"
Outcome = TKG + "Outcome"
Eligibility = TKG + "Eligibility"
Identifier = TKG + "Identifier"
Reference = TKG + "Reference"
ResponsibleParty = TKG + "ResponsibleParty"
Official = TKG + "Official"
Contact = TKG + "Contact"
SourceRecord = TKG + "SourceRecord"
Link = TKG + "Link"
MeshDescriptor = TKG + "MeshDescriptor"

CONCEPT_CLASSES = {
    "drug": TKG + "Drug",
    "supplement": TKG + "DietarySupplement",
    "procedure": TKG + "Procedure",
    "radiation": TKG + "Radiation",
    "device": TKG + "Device",
    "behavioral": TKG + "BehavioralIntervention",
    "genetic": TKG + "GeneticIntervention",
    "diagnostic-test": TKG + "DiagnosticTest",
    "other-intervention": TKG + "OtherIntervention",
    # A placebo or sham: what a control arm is given, not a drug (queries of drugs leave
    # it out).
    "placebo": TKG + "Placebo",
}
InterventionConcept = TKG + "InterventionConcept"


def p(name: str) -> str:
    """A trialkg property IRI."""
    return TKG + name
