"""Tests of fupin_docs.output."""
