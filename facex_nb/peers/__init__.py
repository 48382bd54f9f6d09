"""Peer systems re-implemented from published papers, with one registry of their published numbers."""
