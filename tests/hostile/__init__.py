"""Hostile input and faults: every case ends in a located message, bounded in time and memory."""
