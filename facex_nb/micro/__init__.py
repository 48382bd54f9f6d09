"""Micro-expressions: landmarks -> AUs -> amplification, spotting -> FACS rules -> ensemble -> LLM, video analysis."""
