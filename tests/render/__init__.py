"""Tests of fupin_docs.render."""
