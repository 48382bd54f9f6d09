"""Data: dataset loaders (FER2013, CASME II / SAMM), fixtures and the synthetic benchmark. Imports no model code."""
