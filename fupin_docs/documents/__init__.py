"""Documents: the registry of kinds, their shared template data, and one module per kind.

A kind is one declaration (documents.registry.Document) in its own module; build, batch,
`--only`, templates list/check, preview, lint and PDF conversion all loop over the registry.
"""
