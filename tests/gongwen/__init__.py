"""Tests of fupin_docs.gongwen."""
