"""Dev convenience: turn a jupytext percent-format .py draft into an nbdev notebook.

The .ipynb written to nbs/ is the source of truth; the draft is not kept.
Usage: python tools/py2nb.py DRAFT.py nbs/NN_name.ipynb
"""
import sys, jupytext
nb = jupytext.read(sys.argv[1], fmt='py:percent')
nb.metadata = {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}}
for c in nb.cells:
    c.metadata = {k: v for k, v in c.metadata.items() if k == 'tags'}
jupytext.write(nb, sys.argv[2], fmt='ipynb')
