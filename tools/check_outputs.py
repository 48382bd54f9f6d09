"""Fail when a notebook in nbs/ (not nbs/experiments/: papermill templates, executed into reports/) has a display cell
without outputs, i.e. it was committed without running `make nbs NB=...`.

A display cell is a code cell that shows something when run:
- its last statement is an expression not ended by `;` (a value Jupyter displays), other than a call of a test
  helper (`test_eq`, `test_raises`, ...) or of a function known to return None (`VOID`, or defined in the notebook
  without `return <value>`), or
- it calls, outside function/class bodies and `if`/`except` branches, one of `SHOWS` (print, display, a plot) or a
  function of the notebook that does.
`#| export` cells of definitions and imports, cells that only assert, set up or clean up are not display cells.
Usage: python tools/check_outputs.py [NOTEBOOK ...]   (default: nbs/*.ipynb); prints the counts.
"""
import ast, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOWS = {'print', 'display', 'show', 'plot', 'imshow', 'subplots', 'figure', 'hist', 'bar', 'barh', 'scatter',
         'heatmap', 'matshow', 'pcolormesh', 'Markdown', 'HTML', 'Image'}
VOID = {'close', 'savefig', 'rmtree', 'unlink', 'kill', 'wait', 'join', 'mkdir', 'write_text', 'write_bytes', 'update',
        'append', 'extend', 'remove', 'clear', 'sleep', 'start', 'stop', 'terminate', 'nbdev_export', 'set_seed',
        'seed', 'tight_layout', 'release', 'shutdown', 'chdir', 'setdefault', 'pop', 'touch', 'save', 'reset_index',
        'set_title', 'set_xlabel', 'set_ylabel', 'legend', 'rmdir', 'cleanup', 'register', 'insert', 'sort',
        'simplefilter', 'filterwarnings', 'check_call', 'set_random_seed'}

def _source(cell) -> str:
    src = ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']
    return '\n'.join('' if l.lstrip().startswith(('%', '!')) else l for l in src.splitlines())

def _name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ''

def _calls_showing(stmts, shows=frozenset()) -> bool:
    "A call of SHOWS (or `shows`) in `stmts`, not inside def/class/lambda bodies or `if`/`except` branches (those may not run)."
    for s in stmts:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If)): continue
        if isinstance(s, (ast.For, ast.While, ast.With)) and _calls_showing(s.body, shows): return True
        if isinstance(s, ast.Try) and _calls_showing(s.body + s.finalbody, shows): return True
        if isinstance(s, (ast.For, ast.While, ast.With, ast.Try)): continue
        for n in ast.walk(s):
            if isinstance(n, ast.Lambda): break
            if isinstance(n, ast.Call) and (_name(n) in SHOWS or _name(n) in shows): return True
    return False

def notebook_functions(cells) -> tuple[set, set]:
    "Names of the notebook's top-level functions that return nothing (no `return <value>`, no `yield`), and of those that plot or print."
    out, shows = set(), set()
    for c in cells:
        if c['cell_type'] != 'code': continue
        try: tree = ast.parse(_source(c))
        except SyntaxError: continue
        for f in tree.body:
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and not any(
                    isinstance(n, (ast.Yield, ast.YieldFrom)) or isinstance(n, ast.Return) and n.value is not None for n in ast.walk(f)):
                out.add(f.name)
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and _calls_showing(f.body):   # unconditionally
                shows.add(f.name)
    return out, shows

def is_display(cell, void=frozenset(), shows=frozenset()) -> bool:
    "Does this code cell show something when it runs (see the module docstring)? `void`/`shows`: the notebook's own functions that return None / plot or print."
    src = _source(cell)
    try: tree = ast.parse(src)
    except SyntaxError: return False
    if not tree.body: return False
    if _calls_showing(tree.body, shows): return True
    last = tree.body[-1]
    if not isinstance(last, ast.Expr) or src.rstrip().endswith(';'): return False
    v = last.value
    if isinstance(v, ast.Call):
        n = _name(v)
        return not (n.startswith('test') or n in VOID or n in void or n.startswith(('assert', 'set_')))
    return not (isinstance(v, ast.Constant) and isinstance(v.value, str) and '\n' in v.value) and not isinstance(v, ast.Await)

def check(paths) -> tuple[dict, list]:
    "Counts over `paths` and the (notebook, cell index, first line) of display cells without outputs."
    n = dict(notebooks=0, code_cells=0, with_outputs=0, display_cells=0, display_with_outputs=0)
    missing = []
    for p in paths:
        cells = json.loads(Path(p).read_text())['cells']
        n['notebooks'] += 1; void, shows = notebook_functions(cells)
        for i, c in enumerate(cells):
            if c['cell_type'] != 'code': continue
            n['code_cells'] += 1; has = bool(c.get('outputs')); n['with_outputs'] += has
            if is_display(c, void, shows):
                n['display_cells'] += 1; n['display_with_outputs'] += has
                if not has:
                    first = next((l for l in _source(c).splitlines() if l.strip() and not l.startswith('#|')), '')
                    missing.append((Path(p).name, i, first[:70]))
    return n, missing

def main(argv=None):
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or sorted((ROOT/'nbs').glob('*.ipynb'))
    n, missing = check(paths)
    print(f"outputs check: {n['notebooks']} notebooks, {n['code_cells']} code cells ({n['with_outputs']} with outputs), "
          f"{n['display_cells']} display cells, {n['display_with_outputs']} with outputs, {len(missing)} without")
    for nb, i, first in missing: print(f"  {nb} cell {i}: {first}")
    if missing:
        sys.exit(f"{len(missing)} display cell(s) have no outputs: execute the notebook(s) with `make nbs NB=<name>` and commit them")

if __name__ == '__main__': main()
