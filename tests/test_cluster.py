"""`facex reproduce --executor dask` against a real scheduler and two worker processes on 127.0.0.1: smoke training runs
and the report that reads them, one worker SIGKILLed while it trains; the batch completes, every run is accounted for,
and the tables equal the local executor's. Every process started here is stopped here (process groups)."""
import json, os, signal, socket, subprocess, sys, time
from pathlib import Path
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ONLY = ['macro_case-case1', 'macro_case-case2', 'macro_summary']   # two training runs + the report that reads them
TIMING = ('seconds', 'wall', 'images/s', 'fps', 'time')              # columns that measure speed, not results

def _env(tmp: Path, name: str) -> dict:
    from facex_nb.assets import assets_cache, fetch_assets
    fetch_assets(verbose=False)                                       # the run caches below are empty: assets from here
    return {**os.environ, 'FACEX_SCRATCH': str(tmp/name), 'FACEX_CACHE': str(tmp/f'cache-{name}'),
            'FACEX_ASSETS_DIR': str(assets_cache())}

def _tables(root: Path) -> dict:
    "{run/file.csv: DataFrame without timing columns} of every CSV under `root`/smoke (previous/ left out)."
    out = {}
    for f in sorted((root/'smoke').glob('*/*.csv')):
        df = pd.read_csv(f)
        df = df[[c for c in df.columns if not any(t in str(c).lower() for t in TIMING)]]
        out[f"{f.parent.name}/{f.name}"] = df.replace(r'\d+ images/s', '<speed>', regex=True)
    return out

def _ours(tag: str) -> list[int]:
    "Pids of live processes whose environment carries `tag` (our FACEX_SCRATCH): workers, kernels, the client."
    pids = []
    for p in Path('/proc').glob('[0-9]*'):
        try:
            if tag.encode() in (p/'environ').read_bytes() and int(p.name) != os.getpid(): pids.append(int(p.name))
        except OSError: pass
    return pids

def test_dask_executor_survives_a_killed_worker_and_matches_local(tmp_path):
    t0 = time.time()
    local = subprocess.run([str(BIN/'facex'), 'reproduce', '--profile', 'smoke', '--only', *ONLY], cwd=ROOT,
                           env=_env(tmp_path, 'local'), capture_output=True, text=True, timeout=900)
    assert local.returncode == 0, local.stdout + local.stderr
    t_local = time.time() - t0
    env = _env(tmp_path, 'cluster'); tag = f"FACEX_SCRATCH={tmp_path/'cluster'}"
    procs, client = [], None
    start = lambda cmd, **kw: procs.append(subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                                                             stderr=open(tmp_path/f'p{len(procs)}.log', 'w'), **kw)) or procs[-1]
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
        client = subprocess.Popen([str(BIN/'facex'), 'reproduce', '--profile', 'smoke', '--only', *ONLY, '--executor', 'dask',
                                   '--scheduler', address], cwd=ROOT, env=env, start_new_session=True,
                                  stdout=open(tmp_path/'client.log', 'w'), stderr=subprocess.STDOUT)
        # kill the worker training case 1 once its first checkpoint is written (the retry then resumes from it)
        lock = tmp_path/'cluster'/'smoke'/'.macro_case-case1.facex-lock'
        killed = None
        while client.poll() is None and killed is None and time.time() - t0 < 1200:
            states = list((tmp_path/'cache-cluster'/'runs').glob('macro_case1-*/state.json'))
            if states and lock.exists():
                pid = json.loads(lock.read_text())['pid']
                killed = next(w for w in workers if os.getpgid(pid) == w.pid)
                os.killpg(killed.pid, signal.SIGKILL); t_kill = time.time()
            time.sleep(0.1)
        assert killed is not None, "the training run ended before its worker could be killed:\n" + (tmp_path/'client.log').read_text()
        client.wait(timeout=900)
        log = (tmp_path/'client.log').read_text()
        assert client.returncode == 0, log
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
    print(log); print(f"local {t_local:.0f} s, cluster {time.time() - t0 - t_local:.0f} s, killed at {t_kill - t0 - t_local:.0f} s")
    assert 'dashboard: http://127.0.0.1:' in log and 'done: 3 ok, 0 failed' in log
    assert log.count('start macro_case-case1') == 2 and 'attempt 2: retried after worker loss' in log
    recs = {r: json.loads((tmp_path/'cluster'/'smoke'/r/'provenance.json').read_text()) for r in ONLY}   # every run accounted for
    assert {r['status'] for r in recs.values()} == {'ok'} and {r['executor'] for r in recs.values()} == {'dask'}
    case1 = recs['macro_case-case1']
    assert case1['attempt'] == 2 and case1['retried'].startswith('retried after worker loss: attempt 1 on')
    assert 'resuming macro_case1-' in (tmp_path/'cluster'/'smoke'/'macro_case-case1'/'macro_case.ipynb').read_text()
    index = (tmp_path/'cluster'/'index.md').read_text()
    assert all(f"| {r} |" in index for r in ONLY)
    ours, theirs = _tables(tmp_path/'cluster'), _tables(tmp_path/'local')
    assert ours.keys() == theirs.keys() and len(ours) >= 10, (sorted(ours), sorted(theirs))
    for k in ours: pd.testing.assert_frame_equal(ours[k], theirs[k], obj=k)
