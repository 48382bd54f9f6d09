"""Execute notebooks in place, top to bottom, and keep their outputs (`make nbs`, `make nbs NB=04_data.synthetic`).

Every code cell runs, the `#| slow|train|video|llm` ones too, with `FACEX_NB_BUDGET=small` (`core.nb_budget()`), so
those cells show a small real run. One fresh kernel per notebook (cwd `nbs/`, like nbdev_test). A notebook whose run
fails, or that was edited while it ran, is left untouched and named at the end (exit 1). Outputs are normalised so
that a re-run without code changes leaves `git diff` (nearly) empty:
- paths: the checkout -> relative, the home folder -> `~`, temporary folders -> `<tmp>`; loopback ports, pids;
- library start-up noise on stderr (TensorFlow/absl/glog/XNNPACK lines) is dropped, nothing else;
- PNGs over `PNG_PALETTE` bytes are re-encoded with a 256-colour palette; one over `PNG_BUDGET` is an error;
- then `nbdev_clean` (settings.ini: metadata stripped except cell `tags`, execution counts and object ids cleared).
Usage: python tools/run_nbs.py [NB ...] [--budget small|full] [--jobs N] [--timeout S]
"""
import argparse, base64, io, os, re, sys, tempfile, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
PNG_BUDGET = 150_000   # bytes per PNG output (issue 14)
PNG_PALETTE = 60_000   # larger RGB(A) PNGs are re-encoded with a 256-colour palette (photo grids shrink 2-3x)

# stderr lines written by libraries while they start up (not by our code): dropped from outputs
NOISE = [re.compile(p) for p in (
    r'^[IWEF]\d{4} [\d:.]+\s+\d+ \S+:\d+\]',                       # glog/absl (MediaPipe, TF C++)
    r'^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR',
    r'^WARNING: Logging before InitGoogle\(\) is written to STDERR',
    r'^INFO: Created TensorFlow Lite XNNPACK delegate for CPU\.',
    r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWE] (tensorflow|external/local_xla)/',   # TF C++ logging
    r'oneDNN custom operations are on',
    r'This TensorFlow binary is optimized to use available CPU instructions',
    r'To enable the following instructions: .* rebuild TensorFlow',
    r'Unable to register cu(DNN|FFT|BLAS) factory',
    r'computation placer already registered',
    r'TF-TRT Warning',
)]

def _subs(tmp=tempfile.gettempdir()):
    "Path normalisations, most specific first: (regex, replacement)."
    home = str(Path.home())
    return [(re.compile(re.escape(str(ROOT.parent/'shared')) + r'(?=/|\b)'), '../../shared'),   # shared/ beside the checkout
            (re.compile(re.escape(str(ROOT/'nbs')) + r'/?'), ''),      # notebooks run in nbs/: their own folder is ''
            (re.compile(re.escape(str(ROOT)) + r'(?=/|\b)'), '..'),   # the checkout, relative to nbs/
            (re.compile(re.escape(tmp) + r'/[^/\s\'"\]\),:]+'), '<tmp>'),
            (re.compile(re.escape(home) + r'(?=/)'), '~'),
            (re.compile(r'\b0x[0-9a-f]{8,16}\b'), '0x…'),
            (re.compile(r'\b(127\.0\.0\.1|localhost):\d{2,5}\b'), r'\1:<port>'),   # loopback servers take a free port
            (re.compile(r'\bpid \d+'), 'pid <pid>')]

def normalise_text(s: str, subs=None) -> str:
    for rx, rep in subs or _subs(): s = rx.sub(rep, s)
    return s

def drop_noise(s: str) -> tuple[str, int]:
    "`s` without library start-up lines; (text, lines dropped)."
    keep = [l for l in s.splitlines(keepends=True) if not any(p.search(l) for p in NOISE)]
    return ''.join(keep), len(s.splitlines()) - len(keep)

def shrink_png(b64: str) -> tuple[str, int]:
    "A PNG over `PNG_PALETTE` bytes re-encoded with a 256-colour palette (deterministic, once); (base64, bytes)."
    raw = base64.b64decode(b64)
    if len(raw) <= PNG_PALETTE or raw[25] == 3: return b64, len(raw)   # IHDR colour type 3: already a palette
    from PIL import Image
    buf = io.BytesIO(); Image.open(io.BytesIO(raw)).convert('RGB').quantize(256).save(buf, 'PNG', optimize=True)
    if len(buf.getvalue()) >= len(raw): return b64, len(raw)
    return base64.b64encode(buf.getvalue()).decode() + '\n', len(buf.getvalue())

def _text(v): return ''.join(v) if isinstance(v, list) else v

def normalise_nb(nb, name: str) -> dict:
    "Normalise outputs of executed `nb` in place; returns counts (noise lines, largest PNG) and errors."
    subs, stats = _subs(), dict(noise=0, png_max=0, png_total=0, png_shrunk=0, errors=[])
    for i, c in enumerate(nb.cells):
        if c.cell_type != 'code': continue
        outs = []
        for o in c.get('outputs', []):
            if o.output_type == 'stream':
                t, n = drop_noise(_text(o.text)); stats['noise'] += n
                if o.name == 'stderr' and not t.strip(): continue
                o.text = normalise_text(t, subs)
                if not o.text: continue
            elif o.output_type == 'error':
                o.traceback = [normalise_text(t, subs) for t in o.traceback]
            for k, v in (o.get('data') or {}).items():
                if k.startswith('text/') or k == 'image/svg+xml':
                    o.data[k] = normalise_text(_text(v), subs)
                elif k == 'image/png':
                    b64, size = shrink_png(_text(v)); stats['png_shrunk'] += b64 != _text(v)
                    stats['png_total'] += size
                    o.data[k] = b64; stats['png_max'] = max(stats['png_max'], size)
                    if size > PNG_BUDGET: stats['errors'].append(f"{name} cell {i}: PNG of {size} bytes > {PNG_BUDGET}")
            outs.append(o)
        c.outputs = outs
    return stats

def run_one(path: Path, budget: str, timeout: int, write: bool = True) -> tuple[Path, str | None, dict]:
    "Execute `path` in a fresh kernel; write it back normalised and nbdev-cleaned. (path, error or None, stats)."
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    before = path.read_bytes()
    nb = nbformat.reads(before.decode(), as_version=4)
    env = dict(os.environ, FACEX_NB_BUDGET=budget, PYTHONHASHSEED='0', PYDEVD_DISABLE_FILE_VALIDATION='1')
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', record_timing=False, allow_errors=False,
                            resources={'metadata': {'path': str(path.parent)}})
    t0 = time.monotonic()
    from facex_nb.core import scratch_dir
    log = scratch_dir()/'nbs'/f'{path.stem}.kernel.log'; log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, 'w') as kernel_err:   # the kernel process's own stderr (its start-up chatter), not cell outputs
        try: client.execute(env=env, stderr=kernel_err)
        except CellExecutionError as e:
            return path, normalise_text(str(e))[-3000:], dict(seconds=round(time.monotonic() - t0, 1))
        except Exception as e:   # kernel died, timeout: name it, keep the committed notebook
            tail = log.read_text(errors='replace')[-1500:]
            return path, f"{type(e).__name__}: {normalise_text(str(e))[-3000:]}\nkernel stderr ({log}):\n{tail}", dict(seconds=round(time.monotonic() - t0, 1))
    stats = normalise_nb(nb, path.name) | dict(seconds=round(time.monotonic() - t0, 1))
    if stats['errors']: return path, '\n'.join(stats['errors']), stats
    if not write: return path, None, stats
    if path.read_bytes() != before:   # someone edited it meanwhile: their change wins, this run is void
        return path, 'the notebook changed while it was executing; not written (run it again)', stats
    nbformat.write(nb, path)
    from nbdev.clean import nbdev_clean
    nbdev_clean(fname=str(path))
    return path, None, stats

def select(names) -> list[Path]:
    "Notebooks in nbs/ (not experiments/) matching `names` (file names, stems, or globs); all when empty."
    every = sorted(NBS.glob('*.ipynb'))
    if not names: return every
    out = []
    for n in names:
        n = Path(n).name
        hits = [p for p in every if p.match(n) or p.match(n + '.ipynb') or p.stem == n]
        if not hits: sys.exit(f"no notebook in nbs/ matches {n!r}")
        out += [h for h in hits if h not in out]
    return out

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('nbs', nargs='*', help='notebooks (name, stem or glob, e.g. 04_data.synthetic, "2*"); default: all of nbs/')
    ap.add_argument('--budget', default=os.environ.get('FACEX_NB_BUDGET') or 'small', help='FACEX_NB_BUDGET for the run')
    ap.add_argument('--jobs', type=int, default=1, help='notebooks executed at once')
    ap.add_argument('--timeout', type=int, default=1800, help='seconds per cell')
    ap.add_argument('--no-write', action='store_true', help='execute and report, leave the notebooks as they are')
    ap.add_argument('--normalise-only', action='store_true', help='re-apply the output normalisation, execute nothing')
    a = ap.parse_args(argv)
    if a.normalise_only:
        import nbformat
        from nbdev.clean import nbdev_clean
        for p in select(a.nbs):
            nb = nbformat.read(p, as_version=4); st = normalise_nb(nb, p.name)
            if st['errors']: sys.exit('\n'.join(st['errors']))
            nbformat.write(nb, p); nbdev_clean(fname=str(p))
            print(f"  normalised {p.name}: {st['noise']} start-up lines dropped, largest PNG {st['png_max'] / 1000:.0f} kB")
        return
    paths, t0, failed = select(a.nbs), time.monotonic(), []
    print(f"executing {len(paths)} notebook(s), FACEX_NB_BUDGET={a.budget}, {a.jobs} at a time", flush=True)
    with ProcessPoolExecutor(a.jobs) as ex:   # a process per notebook at a time: nbclient's event loop is per process
        for path, err, st in ex.map(run_one, paths, [a.budget] * len(paths), [a.timeout] * len(paths), [not a.no_write] * len(paths)):
            if err: failed.append(path.name); print(f"  FAIL {path.name} ({st.get('seconds')} s)\n{err}", flush=True)
            else: print(f"  ok   {path.name}: {st['seconds']} s, largest PNG {st['png_max'] / 1000:.0f} kB"
                        f"{', %d re-encoded' % st['png_shrunk'] if st['png_shrunk'] else ''}, {st['noise']} start-up lines dropped", flush=True)
    size = sum(p.stat().st_size for p in NBS.rglob('*') if p.is_file())
    print(f"{len(paths) - len(failed)} ok, {len(failed)} failed in {time.monotonic() - t0:.0f} s; nbs/ is {size / 1e6:.2f} MB")
    if failed: sys.exit(f"failed: {', '.join(failed)}")

if __name__ == '__main__': main()
