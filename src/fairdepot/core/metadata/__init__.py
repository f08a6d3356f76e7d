"""JSON-LD metadata: bundled contexts, RDF serialisations."""
