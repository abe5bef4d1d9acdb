"""Tests of fupin_docs.documents."""
