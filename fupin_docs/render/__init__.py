"""Renderers: one per output format, each turning a context into bytes."""
