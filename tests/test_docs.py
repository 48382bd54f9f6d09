"""The documentation site: `tools/build_docs.py` builds it (in under 5 minutes, nothing executed) and a real headless
Chromium (Debian's `chromium`; `make chromium` installs it) shows a notebook page whose figure output renders.
The browser is driven over the DevTools protocol; the page is served by a loopback http.server this test starts and
stops. Screenshots go to `core.scratch_dir()/docs-test/`."""
import base64, io, json, os, shutil, signal, subprocess, sys, tempfile, threading, time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURE_PAGE = '23_micro.spotting.html'   # its spotting trace is a matplotlib PNG output
BUILD_LIMIT_S = 300

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('site')/'_docs'
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'build_docs.py'), '--site', str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=2 * BUILD_LIMIT_S)
    took = time.monotonic() - t0
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    assert took < BUILD_LIMIT_S, f"docs build took {took:.0f} s"
    return out

@pytest.fixture(scope='module')
def server(site):
    "A loopback http.server for the site, in a thread of this process; shut down afterwards."
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), partial(_Quiet, directory=str(site)))
    t = threading.Thread(target=httpd.serve_forever, daemon=True); t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown(); httpd.server_close(); t.join(10)

class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *a): pass

class Chromium:
    "Headless Chromium on a DevTools port (loopback), one page; `with` stops it (its whole process group)."
    def __init__(self):
        exe = shutil.which('chromium') or shutil.which('chromium-browser')
        if not exe: pytest.fail("Debian's chromium is not installed: run `make chromium` (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix='facex-chromium-')
        self.proc = subprocess.Popen([exe, '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                                      '--no-first-run', '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0',
                                      f'--user-data-dir={self.profile}', '--window-size=1280,900', 'about:blank'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.ws, self.n = None, 0
    def __enter__(self):
        import websocket, urllib.request
        port_file, t0 = Path(self.profile)/'DevToolsActivePort', time.monotonic()
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() - t0 > 60: self.__exit__(); pytest.fail('chromium did not start')
            time.sleep(0.2)
        port = int(port_file.read_text().split()[0])
        pages = json.loads(urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=10).read())
        page = next(p for p in pages if p['type'] == 'page')
        self.ws = websocket.create_connection(page['webSocketDebuggerUrl'], timeout=60, suppress_origin=True)
        return self
    def send(self, method, **params):
        "One DevTools command; its result (events on the way are skipped)."
        self.n += 1; self.ws.send(json.dumps(dict(id=self.n, method=method, params=params)))
        while True:
            m = json.loads(self.ws.recv())
            if m.get('id') == self.n:
                assert 'error' not in m, m['error']
                return m['result']
    def js(self, expr):
        return self.send('Runtime.evaluate', expression=expr, returnByValue=True, awaitPromise=True)['result'].get('value')
    def __exit__(self, *exc):
        if self.ws: self.ws.close()
        try: os.killpg(self.proc.pid, signal.SIGTERM)   # the browser and its helper processes share the group
        except ProcessLookupError: pass
        try: self.proc.wait(15)
        except subprocess.TimeoutExpired: os.killpg(self.proc.pid, signal.SIGKILL); self.proc.wait()
        t0 = time.monotonic()
        while _group_alive(self.proc.pid):                 # helpers still exiting: none is left behind
            if time.monotonic() - t0 > 10: os.killpg(self.proc.pid, signal.SIGKILL)
            time.sleep(0.1)
        shutil.rmtree(self.profile, ignore_errors=True)

def _group_alive(pgid) -> bool:
    try: os.killpg(pgid, 0); return True
    except ProcessLookupError: return False
    except PermissionError: return True

def test_site_pages_nav_and_search(site):
    nbs = sorted(p.stem for p in (ROOT/'nbs').glob('*.ipynb') if p.stem != 'index')
    assert (site/'index.html').exists() and (site/'reports'/'index.html').exists()
    missing = [n for n in nbs if not (site/f'{n}.html').exists()]
    assert not missing, missing
    html = (site/'index.html').read_text()
    pos = [html.find(f'href="{n}.html"') for n in nbs]
    assert -1 not in pos and pos == sorted(pos), 'navigation is not in notebook order'
    index = json.loads((site/'search'/'search_index.json').read_text())['docs']
    assert any(d['location'].startswith('api/metrics.html') and 'evaluate' in d['title'] for d in index), 'API docstrings not in the search index'

def test_figure_renders_in_chromium(server):
    from PIL import Image
    import numpy as np
    from facex_nb.core import scratch_dir
    out = scratch_dir()/'docs-test'; out.mkdir(parents=True, exist_ok=True)
    with Chromium() as b:
        b.send('Page.enable')
        b.send('Page.navigate', url=f'{server}/{FIGURE_PAGE}')
        imgs = b.js("""new Promise(done => { const t0 = Date.now(); const look = () => {
              const ims = [...document.querySelectorAll('img')].filter(i => i.src.startsWith('data:image/png'));
              if ((document.readyState === 'complete' && ims.length && ims.every(i => i.complete)) || Date.now() - t0 > 30000)
                done(ims.map(i => ({w: i.naturalWidth, h: i.naturalHeight})));
              else setTimeout(look, 200); }; look(); })""")
        assert imgs and all(i['w'] > 0 and i['h'] > 0 for i in imgs), f"no rendered figure on {FIGURE_PAGE}: {imgs}"
        box = b.js("""(() => { const i = [...document.querySelectorAll('img')].find(i => i.src.startsWith('data:image/png'));
              i.scrollIntoView({block: 'center'}); const r = i.getBoundingClientRect();
              return {x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height}; })()""")
        shot = b.send('Page.captureScreenshot', format='png', clip=dict(box, scale=1))['data']
        page = b.send('Page.captureScreenshot', format='png')['data']
    (out/'figure.png').write_bytes(base64.b64decode(shot)); (out/'page.png').write_bytes(base64.b64decode(page))
    px = np.asarray(Image.open(io.BytesIO(base64.b64decode(shot))).convert('L'), float)
    assert px.shape[0] > 50 and px.shape[1] > 50 and px.std() > 10, f"figure area looks blank (std {px.std():.1f}); see {out}"
