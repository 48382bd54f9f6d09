"End-to-end checks of the `facex` command: reproduction on demo data, assets, clear errors."
import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
FACEX = str(Path(sys.executable).parent/'facex')

def facex(*args, env=None, **kw):
    return subprocess.run([FACEX, *args], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}, **kw)

def test_reproduce_falls_back_to_demo_and_says_so(tmp_path):
    (tmp_path/'no-data').mkdir()   # a data root without fer2013/ (a missing one is a typo: an error)
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

def test_typo_in_facex_data_is_a_clear_error_not_the_demo(tmp_path):
    r = facex('reproduce', '--profile', 'quick', '--only', 'fer2013_dataset_report', env=dict(FACEX_DATA=str(tmp_path/'typo')))
    assert r.returncode == 2 and 'FACEX_DATA' in r.stderr and 'no such folder' in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert 'same' not in r.stdout and 'ok' not in r.stdout

def test_reproduce_dry_run_prints_the_plan_and_runs_nothing(tmp_path):
    env = dict(FACEX_SCRATCH=str(tmp_path/'scratch'), FACEX_REPORTS=str(tmp_path/'reports'))
    r = facex('reproduce', '--profile', 'full', '--only', 'macro_case*', 'macro_summary', '--dry-run', env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert '[wave 1] macro_case-case1: run' in r.stdout and 'cost: cpu 6,500 s, gpu 400 s (estimated' in r.stdout, r.stdout
    assert '[wave 2] macro_summary: run' in r.stdout and 'plan: 10 run(s): 10 to run' in r.stdout and 'to run: cpu ' in r.stdout
    assert not (tmp_path/'reports').exists() and not list((tmp_path/'scratch').rglob('provenance.json'))

def test_unknown_run_is_a_clear_error():
    r = facex('reproduce', '--profile', 'smoke', '--only', 'no_such_run')
    assert r.returncode == 2 and 'no registered run' in r.stderr and 'Traceback' not in r.stderr

def test_fetch_assets_twice_downloads_nothing_the_second_time():
    first = facex('fetch-assets')
    assert first.returncode == 0, first.stderr
    second = facex('fetch-assets')
    assert 'downloading' not in second.stdout and second.stdout.count('cached') + second.stdout.count('assets_dir') >= 13

def test_micro_label_aus_models_and_recorded_skips(tmp_path):
    import pandas as pd
    from facex_nb.data.casme_samm import make_casme2_fixture, make_samm_fixture
    sheet = next(make_casme2_fixture(tmp_path/'casme2').glob('CASME2-coding-*.xlsx'))
    for model in ('rules', 'learned', 'ensemble'):
        out = tmp_path/f'{model}.csv'
        r = facex('micro', 'label-aus', str(sheet), '--dataset', 'casme2', '--model', model, '--out', str(out))
        assert r.returncode == 0, r.stdout + r.stderr
        df = pd.read_csv(out)
        assert len(df) == 12 and set(df.model) == {model}
        assert f"accuracy {(df.truth == df.prediction).mean():.3f} (agreement" in r.stdout and 'UAR' in r.stdout and '0 skipped' in r.stdout, r.stdout
    samm = make_samm_fixture(tmp_path/'samm')/'SAMM_Micro_FACS_Codes_v2.xlsx'
    r = facex('micro', 'label-aus', str(samm), '--dataset', 'samm', '--classes', 'samm_5', '--out', str(tmp_path/'s.csv'))
    assert r.returncode == 0 and 'on 5 clips' in r.stdout and 'accuracy 0.600' in r.stdout and '3 skipped' in r.stdout, r.stdout
    bad = facex('micro', 'label-aus', str(sheet), '--dataset', 'casme2', '--model', 'cnn')
    assert bad.returncode == 2 and 'invalid choice' in bad.stderr

def test_micro_video_csv_has_the_same_columns_with_or_without_a_face(tmp_path):
    import pandas as pd
    from facex_nb.assets import asset_path
    cols = {}
    for name, extra in (('no_face.mp4', []), ('single_face.mp4', ['--max-frames', '24'])):
        r = facex('micro', 'video', str(asset_path(name)), '--csv', str(tmp_path/f'{name}.csv'), '--events', str(tmp_path/f'{name}.ev.csv'), *extra)
        assert r.returncode == 0, r.stdout + r.stderr
        s = json.loads(r.stdout.strip().splitlines()[-1])
        assert s['end_to_end_fps'] > 0 and 'startup_s' in s and s['face_frames'] == (0 if name == 'no_face.mp4' else 24)
        cols[name] = (list(pd.read_csv(tmp_path/f'{name}.csv').columns), list(pd.read_csv(tmp_path/f'{name}.ev.csv').columns))
    assert cols['no_face.mp4'] == cols['single_face.mp4'] and 'AU12_L' in cols['no_face.mp4'][0] and 'rules_fired' in cols['no_face.mp4'][1]

def test_micro_live_play_accounts_for_every_frame_and_writes_its_outputs(tmp_path):
    from facex_nb.assets import asset_path
    ev, ov = tmp_path/'ev.csv', tmp_path/'o.mp4'
    r = facex('micro', 'live', '--play', str(asset_path('single_face.mp4')), '--seconds', '2', '--events', str(ev), '--overlay', str(ov))
    assert r.returncode == 0, r.stdout + r.stderr
    s = json.loads(r.stdout.strip().splitlines()[-1])
    assert s['frames_due'] > 0 and s['frames_read'] + s['frames_dropped'] == s['frames_due'] == s['frames_processed'] + s['frames_dropped']
    assert abs(s['stream_s'] - 2) < 0.1 and s['rss_mb_end'] > 0 and s['delay']['hangover_ms'] > 0 and 'no LLM' in s['llm_backend']
    assert 'status' in ev.read_text().splitlines()[0] and ov.stat().st_size > 0
    bad = facex('micro', 'live')
    assert bad.returncode == 2 and 'give one of --camera' in bad.stderr and 'Traceback' not in bad.stderr
