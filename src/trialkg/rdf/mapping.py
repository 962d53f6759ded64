"""The mapping: a Trial and its links in, triples out. Pure: no I/O, no mutation.

Each trial's triples go into one named graph per source (see ``graph_name``).
What the vocabularies say of a shared node (a drug, a condition, an
organisation, a city: its class, label, matches and how each match was made)
goes into one graph for all trials, ``vocab.SHARED_GRAPH``; it is the same
whichever trial names the node, and is written once rather than in each of the
thousands of trial graphs that name a common drug. What a record says of a
shared node (a sponsor's agency class, the MeSH terms it indexes, which
conditions a drug is tried for) stays in the trial's graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trialkg.linking import Concept, TrialLinks
from trialkg.linking.ids import canonical_mesh_id
from trialkg.linking.places import Place
from trialkg.model import Contact, MeshTerm, PartialDate, Trial
from trialkg.rdf import iri, vocab
from trialkg.rdf.results import map_results
from trialkg.rdf.terms import IRI, Lit, Object, Triple
from trialkg.rdf.vocab import TYPE, p
from trialkg.text import fold
from trialkg.values import intervention_type_value
from trialkg.version import __version__

XSD = vocab.XSD
_DATE_TYPES = {4: XSD + "gYear", 7: XSD + "gYearMonth", 10: XSD + "date"}


# The graph's layout: raised whenever the mapping writes other statements for the
# same record (the shortcut edges, say), so that a build sees its older graphs as
# changed (it is part of each record's content hash) instead of keeping them.
LAYOUT = 2


@dataclass(frozen=True, slots=True)
class MappingOptions:
    include_contacts: bool = False  # phone numbers and e-mails of named people
    include_results: bool = True  # the results section: groups, flow, outcomes, harms


def graph_name(trial: Trial) -> str:
    return iri.graph(trial.nct_id, iri.source_key(trial.source))


def _date(value: str) -> Lit:
    return Lit(value, _DATE_TYPES.get(len(value), XSD + "date"))


def _bool(value: bool) -> Lit:
    return Lit("true" if value else "false", XSD + "boolean")


def _int(value: int) -> Lit:
    return Lit(str(value), XSD + "integer")


def _decimal(value: float) -> Lit:
    """An xsd:decimal of up to six places, never in exponent form (0.00001, not 1e-05)."""
    text = f"{round(value, 6):.6f}".rstrip("0")
    return Lit(text + "0" if text.endswith(".") else text, XSD + "decimal")


_new_tuple = tuple.__new__


class _Writer:
    """Collects triples; skips absent values so that 'not stated' stays absent.

    ``shared`` is a writer of its own for the shared graph (the shared graph's
    writer is its own). It is not kept as a reference to itself: that cycle left
    every trial's triples to the cyclic garbage collector instead of freeing them
    at once.
    """

    def __init__(self, shared: _Writer | None = None) -> None:
        self.triples: list[Triple] = []
        self._shared = shared

    @property
    def shared(self) -> _Writer:
        return self._shared if self._shared is not None else self

    def add(self, subject: str, predicate: str, obj: Object | None) -> None:
        if obj is not None:
            self.triples.append((subject, predicate, obj))

    def text(self, subject: str, predicate: str, value: str | None) -> None:
        if value:
            # A plain literal made without Lit's keyword defaults: 40% less per value.
            self.triples.append((subject, predicate, _new_tuple(Lit, (value, None, None))))

    def texts(self, subject: str, predicate: str, values: tuple[str, ...]) -> None:
        for value in values:
            self.text(subject, predicate, value)

    def link(self, subject: str, predicate: str, target: str) -> None:
        self.triples.append((subject, predicate, IRI(target)))

    def date(self, subject: str, name: str, value: PartialDate | None) -> None:
        if value is None:
            return
        self.add(subject, p(name), _date(value.value))
        self.text(subject, p(name + "Type"), value.type)


def map_trial(
    trial: Trial, links: TrialLinks, options: MappingOptions = MappingOptions()
) -> list[Triple]:
    """All triples of one trial, its own and those of the shared graph, in a stable order."""
    own, shared = map_trial_graphs(trial, links, options)
    return list(dict.fromkeys(own + shared))


def map_trial_graphs(
    trial: Trial, links: TrialLinks, options: MappingOptions = MappingOptions()
) -> tuple[list[Triple], list[Triple]]:
    """The triples of the trial's own graph, and those it adds to the shared graph."""
    w = _Writer(_Writer())
    nct = trial.nct_id
    t = iri.trial(nct)
    part: Callable[[str, str], str] = lambda kind, local: iri.part(nct, kind, local)  # noqa: E731

    w.link(t, TYPE, vocab.Trial)
    w.text(t, p("nctId"), nct)
    w.text(t, p("briefTitle"), trial.brief_title)
    w.text(t, p("officialTitle"), trial.official_title)
    w.text(t, p("acronym"), trial.acronym)
    w.text(t, p("overallStatus"), trial.overall_status)
    w.text(t, p("lastKnownStatus"), trial.last_known_status)
    w.text(t, p("whyStopped"), trial.why_stopped)
    w.date(t, "startDate", trial.start_date)
    w.date(t, "primaryCompletionDate", trial.primary_completion_date)
    w.date(t, "completionDate", trial.completion_date)
    w.date(t, "firstPostedDate", trial.first_posted)
    w.date(t, "lastUpdatePostedDate", trial.last_update_posted)
    w.date(t, "statusVerifiedDate", trial.status_verified)
    w.text(t, p("studyType"), trial.study_type)
    w.texts(t, p("phase"), trial.phases)
    w.text(t, p("allocation"), trial.allocation)
    w.text(t, p("interventionModel"), trial.intervention_model)
    w.text(t, p("observationalModel"), trial.observational_model)
    w.text(t, p("timePerspective"), trial.time_perspective)
    w.text(t, p("primaryPurpose"), trial.primary_purpose)
    w.text(t, p("masking"), trial.masking)
    w.texts(t, p("whoMasked"), trial.who_masked)
    if trial.enrollment is not None:
        w.add(t, p("enrollment"), _int(trial.enrollment))
        w.text(t, p("enrollmentType"), trial.enrollment_type)
    w.text(t, p("briefSummary"), trial.brief_summary)
    w.text(t, p("detailedDescription"), trial.detailed_description)
    w.texts(t, p("keyword"), trial.keywords)
    if trial.has_results is not None:
        w.add(t, p("hasResults"), _bool(trial.has_results))

    # Identifiers: the sponsor's own and the secondary ones.
    ident_slug = iri.Slugger()
    identifiers = ([("ORG_STUDY_ID", trial.org_study_id, None)] if trial.org_study_id else []) + [
        (s.type, s.value, s.domain) for s in trial.secondary_ids
    ]
    for id_type, value, domain in identifiers:
        node = part("identifier", ident_slug(value))
        w.link(t, p("identifier"), node)
        w.link(node, TYPE, vocab.Identifier)
        w.text(node, p("identifierValue"), value)
        w.text(node, p("identifierType"), id_type)
        w.text(node, p("identifierDomain"), domain)

    # Conditions: the record's words on the trial, the shared node behind them.
    condition_nodes: list[str] = []
    for name, concepts in zip(trial.conditions, links.conditions, strict=True):
        w.text(t, p("conditionName"), name)
        for concept in concepts:
            node = _concept(w, concept, vocab.Condition)
            condition_nodes.append(node)
            w.link(t, p("condition"), node)
            _read_as(w, t, nct, name, concept)
    if links.healthy_volunteers:
        # A condition naming healthy volunteers: a fact of the trial, not a condition node.
        w.add(t, p("studiesHealthyVolunteers"), _bool(True))
    # The registry's MeSH indexing, with the ids the linker found for bare headings.
    for mesh in links.condition_meshes or trial.condition_meshes:
        _mesh(w, t, "condition", mesh)
    for mesh in links.intervention_meshes or trial.intervention_meshes:
        _mesh(w, t, "intervention", mesh)

    # Interventions, then arms that point at them.
    intervention_slug = iri.Slugger()
    intervention_nodes: dict[str, str] = {}
    drug_nodes: list[str] = []
    for intervention, concepts in zip(trial.interventions, links.interventions, strict=True):
        node = part(
            "intervention", intervention_slug(f"{intervention.type or 'other'} {intervention.name}")
        )
        intervention_nodes.setdefault(_intervention_ref(intervention.type, intervention.name), node)
        intervention_nodes.setdefault(_intervention_ref(None, intervention.name), node)
        w.link(t, p("intervention"), node)
        w.link(node, TYPE, vocab.Intervention)
        w.text(node, vocab.LABEL, intervention.name)
        w.text(node, p("interventionType"), intervention.type)
        w.text(node, p("description"), intervention.description)
        w.texts(node, p("otherName"), intervention.other_names)
        for concept in concepts:
            class_iri = vocab.CONCEPT_CLASSES.get(concept.kind, vocab.InterventionConcept)
            concept_node = _concept(w, concept, class_iri)
            w.link(node, p("concept"), concept_node)
            if concept.method:
                w.text(node, p("matchMethod"), concept.method)
                w.add(node, p("matchConfidence"), _confidence(concept.confidence))
            if concept.kind == "drug":
                drug_nodes.append(concept_node)
                # The index `drug=` resolves a name through: each name the record
                # gives the drug, folded, in the trial's graph (it goes with the trial).
                for name in (intervention.name, *intervention.other_names):
                    w.text(concept_node, p("nameKey"), fold(name))

    arm_nodes: dict[str, str] = {}
    arm_slug = iri.Slugger()
    for arm in trial.arms:
        node = part("arm", arm_slug(arm.label))
        arm_nodes.setdefault(arm.label.casefold(), node)
        w.link(t, p("arm"), node)
        w.link(node, TYPE, vocab.Arm)
        w.text(node, vocab.LABEL, arm.label)
        w.text(node, p("armType"), arm.type)
        w.text(node, p("description"), arm.description)
        for named in arm.intervention_names:
            target = _resolve_intervention(named, intervention_nodes)
            if target is not None:
                w.link(node, p("givesIntervention"), target)
            else:
                # Stated, but names no intervention of the record: keep the words.
                w.text(node, p("interventionReference"), named)
    # Interventions that name their arms, where the arm did not name them.
    for intervention in trial.interventions:
        node = intervention_nodes[_intervention_ref(None, intervention.name)]
        for label in intervention.arm_labels:
            arm_node = arm_nodes.get(label.casefold())
            if arm_node is not None:
                w.link(arm_node, p("givesIntervention"), node)

    # Shortcuts for queries over all trials: the trial's drugs in one statement each,
    # instead of trial -> intervention -> concept -> class.
    for drug in dict.fromkeys(drug_nodes):
        w.link(t, p("hasDrug"), drug)

    # What the drugs are tried for: derived from co-occurrence in one trial.
    for drug in dict.fromkeys(drug_nodes):
        for condition in dict.fromkeys(condition_nodes):
            w.link(drug, vocab.IN_CLINICAL_TRIALS_FOR, condition)

    outcome_counts: dict[str, int] = {}
    for outcome in trial.outcomes:
        outcome_counts[outcome.kind] = outcome_counts.get(outcome.kind, 0) + 1
        node = part("outcome", f"{outcome.kind.lower()}-{outcome_counts[outcome.kind]}")
        w.link(t, p("outcome"), node)
        w.link(node, TYPE, vocab.Outcome)
        w.text(node, p("outcomeKind"), outcome.kind)
        w.text(node, p("measure"), outcome.measure)
        w.text(node, p("timeFrame"), outcome.time_frame)
        w.text(node, p("description"), outcome.description)

    if trial.eligibility is not None:
        e = trial.eligibility
        node = part("eligibility", "criteria")
        w.link(t, p("eligibility"), node)
        w.link(node, TYPE, vocab.Eligibility)
        w.text(node, p("criteriaText"), e.criteria_text)
        w.texts(node, p("inclusionCriterion"), e.inclusion)
        w.texts(node, p("exclusionCriterion"), e.exclusion)
        w.text(node, p("minimumAge"), e.minimum_age)
        w.text(node, p("maximumAge"), e.maximum_age)
        w.text(node, p("sex"), e.sex)
        if e.healthy_volunteers is not None:
            w.add(node, p("healthyVolunteers"), _bool(e.healthy_volunteers))
        w.texts(node, p("stdAge"), e.std_ages)
        w.text(node, p("studyPopulation"), e.study_population)
        w.text(node, p("samplingMethod"), e.sampling_method)

    if trial.lead_sponsor is not None and links.lead_sponsor is not None:
        node = _organisation(w, links.lead_sponsor, trial.lead_sponsor.agency_class)
        w.link(t, p("leadSponsor"), node)
    for organisation, concept in zip(trial.collaborators, links.collaborators, strict=True):
        node = _organisation(w, concept, organisation.agency_class)
        w.link(t, p("collaborator"), node)

    if trial.responsible_party is not None:
        rp = trial.responsible_party
        node = part("responsible-party", "1")
        w.link(t, p("responsibleParty"), node)
        w.link(node, TYPE, vocab.ResponsibleParty)
        w.text(node, p("responsiblePartyType"), rp.type)
        w.text(node, p("personName"), rp.name)
        w.text(node, p("personTitle"), rp.title)
        w.text(node, p("affiliation"), rp.affiliation)

    official_slug = iri.Slugger()
    for official in trial.officials:
        node = part("official", official_slug(official.name))
        w.link(t, p("official"), node)
        w.link(node, TYPE, vocab.Official)
        w.text(node, p("personName"), official.name)
        w.text(node, p("role"), official.role)
        w.text(node, p("affiliation"), official.affiliation)

    for index, contact in enumerate(trial.central_contacts, start=1):
        node = part("contact", str(index))
        w.link(t, p("centralContact"), node)
        _contact(w, node, contact, options)

    # The countries the trial has sites in (a shortcut for per-country counts).
    for country in dict.fromkeys(site.country for site in trial.sites if site.country):
        w.text(t, p("siteCountry"), country)
    site_slug = iri.Slugger()
    places = links.site_places or (None,) * len(trial.sites)
    site_links = zip(trial.sites, links.site_organisations, places, strict=True)
    for site, facility, place in site_links:
        words = " ".join(v for v in (site.facility, site.city, site.country) if v) or "site"
        node = part("site", site_slug(words))
        w.link(t, p("site"), node)
        w.link(node, TYPE, vocab.Site)
        w.text(node, vocab.LABEL, site.facility)
        w.text(node, p("city"), site.city)
        w.text(node, p("state"), site.state)
        w.text(node, p("postalCode"), site.zip)
        w.text(node, p("country"), site.country)
        w.text(node, p("recruitmentStatus"), site.status)
        if site.latitude is not None:
            w.add(node, vocab.SCHEMA + "latitude", _decimal(site.latitude))
        if site.longitude is not None:
            w.add(node, vocab.SCHEMA + "longitude", _decimal(site.longitude))
        if facility is not None:
            w.link(node, p("facility"), _organisation(w, facility, None))
        if place is not None:
            _place(w, node, place)
        for index, contact in enumerate(site.contacts, start=1):
            contact_node = f"{node}/contact/{index}"
            w.link(node, p("siteContact"), contact_node)
            _contact(w, contact_node, contact, options)

    reference_slug = iri.Slugger()
    for index, reference in enumerate(trial.references, start=1):
        node = part("reference", reference_slug(reference.pmid or f"citation {index}"))
        w.link(t, p("reference"), node)
        w.link(node, TYPE, vocab.Reference)
        w.text(node, p("citation"), reference.citation)
        w.text(node, p("referenceType"), reference.type)
        if reference.pmid:
            w.text(node, p("pmid"), reference.pmid)
            if reference.pmid.isdigit():
                w.link(node, p("pubmed"), iri.pubmed(reference.pmid))

    map_results(w, trial, links, _concept, results=options.include_results)
    _provenance(w, trial)
    # An arm and an intervention may both state their link: keep one copy.
    return list(dict.fromkeys(w.triples)), list(dict.fromkeys(w.shared.triples))


def _intervention_ref(kind: str | None, name: str) -> str:
    return f"{kind or ''}:{fold(name)}"


def _resolve_intervention(reference: str, nodes: dict[str, str]) -> str | None:
    """The node an arm's "Drug: Afatinib" (or plain "Afatinib") points at."""
    prefix, sep, rest = reference.partition(":")
    if sep:
        kind = intervention_type_value(prefix)
        if kind is not None:
            found = nodes.get(_intervention_ref(kind, rest.strip())) or nodes.get(
                _intervention_ref(None, rest.strip())
            )
            if found:
                return found
    return nodes.get(_intervention_ref(None, reference.strip()))


def _concept(trial_writer: _Writer, concept: Concept, class_iri: str) -> str:
    w = trial_writer.shared
    node = iri.concept(concept.kind, concept.key)
    w.link(node, TYPE, class_iri)
    w.text(node, vocab.LABEL, concept.label)
    for match in concept.matches:
        relation = vocab.EXACT_MATCH if match.relation == "exact" else vocab.CLOSE_MATCH
        w.link(node, relation, match.iri)
        if match.relation == "exact":
            # The node is that MeSH descriptor: its place in the MeSH trees is the node's.
            for number in match.tree_numbers:
                w.text(node, p("meshTreeNumber"), number)
        # One link node per target, the same whichever trial names the node: how each
        # mention was read is on the mention (tkg:matchMethod).
        link = f"{node}/link/{iri.slug(match.iri)}"
        w.link(node, p("link"), link)
        w.link(link, TYPE, vocab.Link)
        w.link(link, p("linkTarget"), match.iri)
        w.text(link, p("linkRelation"), match.relation)
        w.text(link, p("linkMethod"), match.method)
        w.add(link, p("linkConfidence"), _confidence(match.confidence))
        w.text(link, p("linkSource"), match.source)
    return node


def _confidence(value: float) -> Lit:
    return Lit(f"{value:.2f}", XSD + "decimal")


def _read_as(w: _Writer, trial_node: str, nct: str, name: str, concept: Concept) -> None:
    """How the trial's condition mention was read: a node of the trial's own graph."""
    if not concept.method:
        return
    mention = iri.part(nct, "condition", iri.slug(f"{name} {concept.key}"))
    w.link(trial_node, p("conditionMention"), mention)
    w.link(mention, TYPE, vocab.TKG + "ConditionMention")
    w.text(mention, vocab.LABEL, name)
    w.link(mention, p("mentionConcept"), iri.concept(concept.kind, concept.key))
    w.text(mention, p("matchMethod"), concept.method)
    w.add(mention, p("matchConfidence"), _confidence(concept.confidence))


def _place(w: _Writer, site: str, place: Place) -> None:
    """The site's ISO 3166 country code, and its city as a node within that country."""
    w.text(site, p("countryCode"), place.country_code)
    if place.city_key is not None:
        city = iri.concept("city", place.city_key)
        w.link(site, p("inCity"), city)
        shared = w.shared
        shared.link(city, TYPE, vocab.TKG + "City")
        shared.text(city, vocab.LABEL, place.city_label)
        shared.text(city, p("countryCode"), place.country_code)


def _organisation(w: _Writer, concept: Concept, agency_class: str | None) -> str:
    node = _concept(w, concept, vocab.Organisation)
    w.text(node, p("agencyClass"), agency_class)
    return node


def _mesh(w: _Writer, trial_node: str, indexes: str, mesh: MeshTerm) -> None:
    """A MeSH record the registry indexed the trial's conditions or interventions with.

    Its IRI uses NLM's form of the id, so a padded id from one download and the
    id found for a bare heading name one node; a heading with no known id stays
    the record's words (``tkg:conditionMeshTerm``).
    """
    if mesh.id is None:
        w.text(trial_node, p(indexes + "MeshTerm"), mesh.term)
        return
    node = iri.mesh(canonical_mesh_id(mesh.id))
    w.link(trial_node, p(indexes + "Mesh"), node)
    w.link(node, TYPE, vocab.MeshDescriptor)
    w.text(node, vocab.LABEL, mesh.term)


def _contact(w: _Writer, node: str, contact: Contact, options: MappingOptions) -> None:
    w.link(node, TYPE, vocab.Contact)
    w.text(node, p("personName"), contact.name)
    w.text(node, p("role"), contact.role)
    if options.include_contacts:
        w.text(node, p("phone"), contact.phone)
        w.text(node, p("email"), contact.email)


def _provenance(w: _Writer, trial: Trial) -> None:
    source = trial.source
    g = graph_name(trial)
    w.link(g, TYPE, vocab.SourceRecord)
    w.link(g, TYPE, vocab.PROV + "Entity")
    w.link(g, p("describes"), iri.trial(trial.nct_id))
    w.text(g, p("sourceFormat"), source.reader)
    w.text(g, p("sourceFile"), source.file)
    w.text(g, p("sourceSite"), source.site)
    if source.last_update:
        w.add(g, p("recordLastUpdate"), _date(source.last_update.value))
    w.add(g, p("partial"), _bool(source.partial))
    if source.nct_id_from_filename:
        w.add(g, p("nctIdFromFileName"), _bool(True))
    w.text(g, p("trialkgVersion"), __version__)
