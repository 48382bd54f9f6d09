"End-to-end checks of the `facex` command: reproduction on demo data, assets, clear errors."
import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
FACEX = str(Path(sys.executable).parent/'facex')

def facex(*args, env=None, **kw):
    return subprocess.run([FACEX, *args], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}, **kw)

def test_reproduce_falls_back_to_demo_and_says_so(tmp_path):
    env = dict(FACEX_DATA=str(tmp_path/'no-data'), FACEX_SCRATCH=str(tmp_path/'scratch'))
    r = facex('reproduce', '--profile', 'quick', '--only', 'fer2013_dataset_report', env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    out = tmp_path/'scratch'/'quick'/'fer2013_dataset_report'   # demo results never land in reports/
    prov = json.loads((out/'provenance.json').read_text())
    assert prov['data_mode'] == 'demo' and prov['status'] == 'ok'
    assert 'DEMO DATA' in (out/'class_counts.md').read_text()
    assert '(demo data)' in (tmp_path/'scratch'/'index.md').read_text()
    again = facex('reproduce', '--profile', 'quick', '--only', 'fer2013_dataset_report', env=env)
    assert 'inputs unchanged' in again.stdout

def test_unknown_run_is_a_clear_error():
    r = facex('reproduce', '--profile', 'smoke', '--only', 'no_such_run')
    assert r.returncode == 2 and 'no registered run' in r.stderr and 'Traceback' not in r.stderr

def test_fetch_assets_twice_downloads_nothing_the_second_time():
    first = facex('fetch-assets')
    assert first.returncode == 0, first.stderr
    second = facex('fetch-assets')
    assert 'downloading' not in second.stdout and second.stdout.count('cached') + second.stdout.count('assets_dir') >= 13
