"""Tests of fupin_docs.facts."""
