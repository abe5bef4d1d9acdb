"""Tests of fupin_docs.commands."""
