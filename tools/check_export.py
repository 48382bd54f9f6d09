"""Fail when facex_nb/ differs from what nbdev_export makes of nbs/ (i.e. someone edited facex_nb by hand
or forgot to export). Re-exports as a side effect so the tree is right afterwards."""
import hashlib, subprocess, sys
from pathlib import Path
lib = Path(__file__).resolve().parents[1]/'facex_nb'
snap = lambda: {p.relative_to(lib).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(lib.rglob('*.py'))}
before = snap()
subprocess.run([str(Path(sys.executable).parent/'nbdev_export')], check=True)
after = snap()
changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
if changed:
    sys.exit(f"facex_nb/ was out of date with nbs/ (re-exported now): {', '.join(changed)}. Edit the notebooks, not facex_nb/.")
print(f"export check: facex_nb/ matches nbs/ ({len(after)} modules)")

# README.md is index.ipynb's markdown (nbdev_readme needs quarto, which is unobtainable here).
import json
root = lib.parent
cells = json.loads((root/'nbs'/'index.ipynb').read_text())['cells']
readme = '\n\n'.join(''.join(c['source']).strip() for c in cells if c['cell_type'] == 'markdown') + '\n'
old = (root/'README.md').read_text() if (root/'README.md').exists() else ''
(root/'README.md').write_text(readme)
if old != readme: sys.exit("README.md was out of date with nbs/index.ipynb (rewritten now); commit it.")
print("export check: README.md matches nbs/index.ipynb")
