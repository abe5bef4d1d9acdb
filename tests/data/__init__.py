"""Tests of fupin_docs.data."""
