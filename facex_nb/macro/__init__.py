"""Macro-expressions: face preprocessing, the thesis CNN, its training cases, prediction on images/video/live."""
