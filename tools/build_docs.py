"""Build the documentation site into _docs/ (`make docs`) from the committed, executed notebooks; executes nothing.

Stages into _proc/docs/: every nbs/*.ipynb (cells `#| hide` tagged `hide` and left out, `#|` directive lines
removed from the shown code, like nbdev's docs), nbs/images/, one API page per module (mkdocstrings, read
statically) in notebook order, and reports/ (index.md, its tables and figures; run notebooks as files, not rendered);
writes _proc/mkdocs.yml (INHERIT: ../mkdocs.yml) with the navigation and runs `mkdocs build`.
Usage: python tools/build_docs.py [--site DIR]   (default: _docs/)
"""
import argparse, json, os, re, shutil, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS, PROC = ROOT/'nbs', ROOT/'_proc'

def _src(c) -> str: return ''.join(c['source']) if isinstance(c['source'], list) else c['source']

def title(nb: dict, fallback: str) -> str:
    "The notebook's `# heading`."
    for c in nb['cells']:
        if c['cell_type'] == 'markdown' and (m := re.match(r'\s*#\s+(.+)', _src(c))): return m.group(1).strip()
    return fallback

def default_exp(nb: dict) -> str | None:
    for c in nb['cells']:
        if c['cell_type'] == 'code' and (m := re.search(r'^#\|\s*default_exp\s+(\S+)', _src(c), re.M)): return m.group(1)
    return None

def stage_notebook(src: Path, dst: Path) -> dict:
    "Copy `src` for rendering: `#| hide` cells tagged `hide`, directive lines dropped from code; returns the notebook."
    nb = json.loads(src.read_text())
    out = dict(nb, cells=[])
    for c in nb['cells']:
        c = dict(c, metadata=dict(c.get('metadata') or {}))
        if c['cell_type'] == 'code':
            lines = _src(c).splitlines()
            directives = [l for l in lines if l.startswith('#|')]
            if any(re.match(r'#\|\s*(hide|default_exp)\b', l) for l in directives):
                c['metadata']['tags'] = [*c['metadata'].get('tags', []), 'hide']
            c['source'] = '\n'.join(l for l in lines if not l.startswith('#|')).strip('\n')
        out['cells'].append(c)
    dst.write_text(json.dumps(out, ensure_ascii=False))
    return nb

def stage(docs: Path) -> list:
    "Lay out `docs`; returns the mkdocs nav."
    if docs.exists(): shutil.rmtree(docs)
    (docs/'api').mkdir(parents=True)
    nbs, api = [], []
    for p in sorted(NBS.glob('*.ipynb')):
        nb = stage_notebook(p, docs/p.name)
        if p.name == 'index.ipynb': continue
        nbs.append({f"{p.stem.split('_')[0]} {title(nb, p.stem)}": p.name})
        if mod := default_exp(nb):
            (docs/'api'/f'{mod}.md').write_text(f"# facex_nb.{mod}\n\nFrom [`{p.name}`](../{p.name}).\n\n::: facex_nb.{mod}\n")
            api.append({f'facex_nb.{mod}': f'api/{mod}.md'})
    if (NBS/'images').is_dir(): shutil.copytree(NBS/'images', docs/'images')
    shutil.copytree(ROOT/'reports', docs/'reports', ignore=shutil.ignore_patterns('*.joblib', 'previous'))
    return [{'Home': 'index.ipynb'}, {'Notebooks': nbs}, {'Reports': 'reports/index.md'}, {'API reference': api}]

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--site', default=str(ROOT/'_docs'), help='output folder (default: _docs/)')
    a = ap.parse_args(argv)
    t0 = time.monotonic()
    nav = stage(PROC/'docs')
    import yaml
    cfg = dict(INHERIT='../mkdocs.yml', docs_dir='docs', site_dir=str(Path(a.site).resolve()), nav=nav)
    (PROC/'mkdocs.yml').write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    r = subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '-q', '-f', str(PROC/'mkdocs.yml')], cwd=ROOT,
                       env=dict(os.environ, NO_MKDOCS_2_WARNING='1'))
    if r.returncode: sys.exit(f"mkdocs build failed (exit {r.returncode})")
    site = Path(a.site)
    n = sum(1 for _ in site.rglob('*.html'))
    print(f"docs: {n} HTML pages in {site} ({time.monotonic() - t0:.0f} s)")

if __name__ == '__main__': main()
