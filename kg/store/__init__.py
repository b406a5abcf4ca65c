"""Where a release lives besides its own folder: a SPARQL 1.1 store reached by its standard protocols."""
