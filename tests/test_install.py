"Install-level checks: pins agree, the console script works, the package imports without heavy deps."
import configparser, shlex, subprocess, sys
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[1]

def _settings():
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    return cfg['DEFAULT']

def test_environment_yml_matches_settings_ini():
    s = _settings()
    ini = set(shlex.split(s['requirements'])) | set(shlex.split(s['dev_requirements'])) | set(shlex.split(s.get('cluster_requirements', '')))
    env = yaml.safe_load((ROOT/'environment.yml').read_text())
    pip = next(d['pip'] for d in env['dependencies'] if isinstance(d, dict) and 'pip' in d)
    assert set(pip) == ini, f"only in settings.ini: {ini - set(pip)}; only in environment.yml: {set(pip) - ini}"
    assert any(str(d).startswith('python=' + sys.version.split('.')[0]) for d in env['dependencies'])

def test_no_second_opencv():
    "mediapipe needs opencv-contrib; a second OpenCV wheel would share the cv2/ folder."
    reqs = shlex.split(_settings()['requirements'])
    assert not [r for r in reqs if r.startswith(('opencv-python', 'opencv-python-headless'))]
    from importlib import metadata
    installed = {d.metadata['Name'].lower() for d in metadata.distributions()}
    assert not installed & {'opencv-python', 'opencv-python-headless'}

def test_console_script_help():
    out = subprocess.run([str(Path(sys.executable).parent/'facex'), '--help'], capture_output=True, text=True)
    assert out.returncode == 0 and 'reproduce' in out.stdout and 'fetch-assets' in out.stdout

def test_import_is_light():
    "`import facex_nb.cli` must not drag in TensorFlow (the CLI help should be instant)."
    code = "import sys, facex_nb.cli, facex_nb.core, facex_nb.runner; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == 'False', out.stderr

def test_every_notebook_is_exported_and_titled():
    import json
    for nb in sorted((ROOT/'nbs').glob('[0-9]*.ipynb')):
        cells = json.loads(nb.read_text())['cells']
        assert cells[0]['cell_type'] == 'markdown' and ''.join(cells[0]['source']).startswith('# '), f"{nb.name} lacks a title"
        src = '\n'.join(''.join(c['source']) for c in cells if c['cell_type'] == 'code')
        if '#| default_exp' in src:
            mod = src.split('#| default_exp')[1].split()[0]
            assert (ROOT/'facex_nb'/(mod.replace('.', '/') + '.py')).exists(), f"{nb.name}: facex_nb/{mod}.py not exported"
