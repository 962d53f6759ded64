"""RDF: the vocabulary, IRI minting, the lightweight terms, and the mapping Trial -> triples."""
