"""`facex reproduce --profile smoke --executor dask` against a real scheduler and two worker processes on 127.0.0.1,
one worker SIGKILLed while it trains: the batch completes, every run is accounted for, and the tables equal the local
executor's. The local reference is `FACEX_SMOKE_REFERENCE` (the smoke output `make test` has just written), else a
local smoke run made here. Every process started here is stopped here (process groups)."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KILLED = 'macro_case-case1'                                           # a training run: its worker dies after a checkpoint
TIMING = ('seconds', 'wall', 'images/s', 'fps', 'time', 's_per')      # columns that measure speed (and any *_s), not results
BATCH_S = 3600

def _env(tmp: Path, name: str) -> dict:
    from facex_nb.assets import assets_cache, fetch_assets
    fetch_assets(verbose=False)                                       # the run caches below are empty: assets from here
    return {**os.environ, 'FACEX_SCRATCH': str(tmp/name), 'FACEX_CACHE': str(tmp/f'cache-{name}'),
            'FACEX_ASSETS_DIR': str(assets_cache())}

def _is_benchmark(run: str) -> bool:
    "Speed benchmarks: their tables measure the machine at that moment (live ones drop frames under load)."
    return run.endswith('_benchmark')

def _records(root: Path) -> dict:
    "{run: provenance record} of every run folder under `root`/smoke."
    return {p.parent.name: json.loads(p.read_text()) for p in sorted((root/'smoke').glob('*/provenance.json'))}

def _tables(root: Path, runs) -> dict:
    "{run/file.csv: DataFrame without timing columns} of the CSVs of `runs` (benchmarks and previous/ left out)."
    out = {}
    for run in sorted(r for r in runs if not _is_benchmark(r)):
        for f in sorted((root/'smoke'/run).glob('*.csv')):
            df = pd.read_csv(f)
            df = df[[c for c in df.columns if not (any(t in str(c).lower() for t in TIMING) or str(c).endswith('_s'))]]
            out[f"{run}/{f.name}"] = df.replace(r'\d+ images/s', '<speed>', regex=True)
    return out

def _ours(tag: str) -> list[int]:
    "Pids of live processes whose environment carries `tag` (our FACEX_SCRATCH): workers, kernels, the client."
    pids = []
    for p in Path('/proc').glob('[0-9]*'):
        try:
            if tag.encode() in (p/'environ').read_bytes() and int(p.name) != os.getpid(): pids.append(int(p.name))
        except OSError: pass
    return pids

def _reference(tmp: Path) -> Path:
    if os.environ.get('FACEX_SMOKE_REFERENCE'): return Path(os.environ['FACEX_SMOKE_REFERENCE'])
    local = subprocess.run([str(BIN/'facex'), 'reproduce', '--profile', 'smoke'], cwd=ROOT, env=_env(tmp, 'local'),
                           capture_output=True, text=True, timeout=BATCH_S)
    assert local.returncode == 0, local.stdout + local.stderr
    return tmp/'local'

def test_dask_executor_survives_a_killed_worker_and_matches_local(tmp_path):
    t0 = time.time()
    ref = _reference(tmp_path); t_local = time.time() - t0
    env = _env(tmp_path, 'cluster'); tag = f"FACEX_SCRATCH={tmp_path/'cluster'}"
    procs, client, log, again = [], None, '', None
    start = lambda cmd, **kw: procs.append(subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                                                             stderr=open(tmp_path/f'p{len(procs)}.log', 'w'), **kw)) or procs[-1]
    facex = lambda *a: [str(BIN/'facex'), 'reproduce', '--profile', 'smoke', '--executor', 'dask', '--scheduler', address, *a]
    try:
        sched_file = tmp_path/'scheduler.json'
        start([str(BIN/'dask'), 'scheduler', '--host', '127.0.0.1', '--port', '0', '--dashboard-address', '127.0.0.1:0',
               '--scheduler-file', str(sched_file)], env={**env, 'DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES': '1'})
        for _ in range(300):
            if sched_file.exists() and sched_file.stat().st_size: break
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())['address']
        assert address.startswith('tcp://127.0.0.1:')
        workers = [start([str(BIN/'dask'), 'worker', address, '--nworkers', '1', '--nthreads', '1', '--host', '127.0.0.1',
                          '--no-dashboard', '--name', f'w{i}'], env=env) for i in (1, 2)]
        client = subprocess.Popen(facex(), cwd=ROOT, env=env, start_new_session=True,
                                  stdout=open(tmp_path/'client.log', 'w'), stderr=subprocess.STDOUT)
        # kill the worker training case 1 once its first checkpoint is written (the retry then resumes from it)
        lock = tmp_path/'cluster'/'smoke'/f'.{KILLED}.facex-lock'
        killed = None
        while client.poll() is None and killed is None and time.time() - t0 - t_local < BATCH_S:
            states = list((tmp_path/'cache-cluster'/'runs').glob('macro_case1-*/state.json'))
            if states and lock.exists():
                pid = json.loads(lock.read_text())['pid']
                killed = next(w for w in workers if os.getpgid(pid) == w.pid)
                os.killpg(killed.pid, signal.SIGKILL); t_kill = time.time()
            time.sleep(0.1)
        assert killed is not None, "the training run ended before its worker could be killed:\n" + (tmp_path/'client.log').read_text()
        client.wait(timeout=BATCH_S)
        log = (tmp_path/'client.log').read_text()
        assert client.returncode == 0, log
        t_cluster = time.time() - t0 - t_local
        # a run already done is skipped exactly as with the local executor (same input key)
        again = subprocess.run(facex('--only', 'macro_summary'), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    finally:
        for p in ([client] if client else []) + procs[::-1]:
            try: os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError: pass
        for p in ([client] if client else []) + procs:
            try: p.wait(timeout=30)
            except subprocess.TimeoutExpired: os.killpg(p.pid, signal.SIGKILL); p.wait()
        time.sleep(2)                                                   # orphaned kernels poll their parent every second
        left = _ours(tag)
        for pid in left:
            try: os.kill(pid, signal.SIGKILL)
            except ProcessLookupError: pass
    assert not left, f"processes left behind: {left}"
    print(log); print(f"local {t_local:.0f} s ({'given' if ref != tmp_path/'local' else 'run here'}), cluster {t_cluster:.0f} s, "
                      f"killed at {t_kill - t0 - t_local:.0f} s")
    assert again.returncode == 0 and 'same  macro_summary: inputs unchanged' in again.stdout, again.stdout + again.stderr

    ours = _records(tmp_path/'cluster')
    theirs = {r: rec for r, rec in _records(ref).items() if r in ours}
    assert len(ours) >= 20 and ours.keys() == theirs.keys(), (sorted(ours), sorted(_records(ref)))   # every run accounted for
    assert f"done: {len(ours)} ok, 0 failed, 0 interrupted, 0 skipped" in log and 'dashboard: http://127.0.0.1:' in log
    assert {r['status'] for r in ours.values()} == {r['status'] for r in theirs.values()} == {'ok'}
    assert {r['executor'] for r in ours.values()} == {'dask'}
    assert {r: rec['key'] for r, rec in ours.items()} == {r: rec['key'] for r, rec in theirs.items()}   # the same inputs
    assert {r: rec['outputs'] for r, rec in ours.items()} == {r: rec['outputs'] for r, rec in theirs.items()}
    assert log.count(f'start {KILLED}') == 2 and 'attempt 2: retried after worker loss' in log
    killed_rec = ours[KILLED]
    assert killed_rec['attempt'] == 2 and killed_rec['retried'].startswith('retried after worker loss: attempt 1 on')
    assert 'resuming macro_case1-' in (tmp_path/'cluster'/'smoke'/KILLED/'macro_case.ipynb').read_text()
    index = (tmp_path/'cluster'/'index.md').read_text()
    assert all(f"| {r} |" in index for r in ours)

    mine, local = _tables(tmp_path/'cluster', ours), _tables(ref, ours)
    assert mine.keys() == local.keys() and len(mine) >= 50, (sorted(mine), sorted(local))
    differ = []
    for k in mine:
        try: pd.testing.assert_frame_equal(mine[k], local[k], obj=k)
        except AssertionError as e: differ.append(str(e))
    assert not differ, f"{len(differ)} of {len(mine)} tables differ from the local executor's:\n" + '\n\n'.join(differ)
    print(f"{len(ours)} runs accounted for; {len(mine)} tables equal to the local executor's "
          f"({sum(map(_is_benchmark, ours))} benchmark runs compared by status and files)")
