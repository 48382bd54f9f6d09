"""Bad-input and fault suite (issue 12): bad inputs of every class are GENERATED in a temporary folder and run through
the `facex` CLI (in this process via `cli.main`, and a few in a subprocess) and the Python API. Each outcome is

- named: a clear error (exit 2 with `facex: error:` / an argparse usage error, or a `FacexError`), or a recorded,
  counted row with its reason (or, for an input converted rather than refused, a note saying what was converted);
- crashed: a Python traceback, an exception that is not a `FacexError`, or a nonzero exit without a message;
- silent: exit 0 / a return value with no reason and no note, a dropped input, or a changed source file.

The suite prints "N bad inputs tried: N named, 0 crashed, 0 silent" and fails unless crashed == silent == 0.
Every source file is hashed before and after each case: a case that changes one is silent damage."""
import contextlib, hashlib, io, json, os, shutil, subprocess, sys, traceback, zlib, struct
from pathlib import Path
import numpy as np, pandas as pd, cv2, pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
FACEX = str(Path(sys.executable).parent/'facex')
ROOT_USER = os.geteuid() == 0          # root writes into read-only folders and reads mode-000 files


def _png(a) -> bytes:
    b = io.BytesIO(); Image.fromarray(a).save(b, 'PNG'); return b.getvalue()

def _enc(im: Image.Image, fmt: str, **kw) -> bytes:
    b = io.BytesIO(); im.save(b, fmt, **kw); return b.getvalue()

def _png_header_only(w: int, h: int) -> bytes:
    "A PNG that declares w×h pixels and holds none (the header is all a decoder sees before allocating)."
    chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)) + chunk(b'IEND', b'')

def _jpeg_with_dims(w: int, h: int) -> bytes:
    "A small JPEG whose SOF0 header is patched to declare w×h."
    b = bytearray(cv2.imencode('.jpg', np.full((16, 16), 120, np.uint8))[1].tobytes())
    i = b.index(b'\xff\xc0'); b[i + 5:i + 9] = struct.pack('>HH', h, w)
    return bytes(b)


class Suite:
    "Runs cases, classifies outcomes, watches the source files."
    def __init__(self, tmp: Path):
        self.tmp, self.src, self.out = tmp, tmp/'src', tmp/'out'
        self.src.mkdir(); self.out.mkdir()
        self.rows = []

    def hashes(self) -> dict:
        return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(self.src.rglob('*'))
                if p.is_file() and not p.is_symlink() and not p.is_fifo()}

    def record(self, case: str, outcome: str, detail: str = ''):
        self.rows.append(dict(case=case, outcome=outcome, detail=detail.strip().splitlines()[-1][:160] if detail.strip() else ''))

    def run(self, case: str, fn):
        "Run one case `fn() -> (outcome, detail)`; a source file it changed makes it silent."
        before = self.hashes()
        try: outcome, detail = fn()
        except Exception: outcome, detail = 'crashed', traceback.format_exc()
        after = self.hashes()
        if after != before:
            changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            outcome, detail = 'silent', f"source changed: {changed}"
        self.record(case, outcome, detail)


def cli(*argv):
    "`facex ARGV` in this process: (rc, stdout, stderr, traceback or None)."
    from facex_nb.cli import main
    out, err, tb = io.StringIO(), io.StringIO(), None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: rc = main([str(a) for a in argv])
        except SystemExit as e: rc = e.code if isinstance(e.code, int) else 1
        except Exception: rc, tb = 1, traceback.format_exc()
    return rc, out.getvalue(), err.getvalue(), tb

def refused(rc, out, err, tb):
    "Outcome of a command that must refuse its input."
    if tb or 'Traceback' in err: return 'crashed', tb or err
    if rc == 0: return 'silent', f'rc 0: {out[-200:]}'
    if rc == 2 and ('facex: error:' in err or 'error: argument' in err): return 'named', err
    return 'crashed', f'rc {rc} without a message: {err[-200:]}'

def api(f):
    "Outcome of a Python call that must refuse its input."
    from facex_nb.core import FacexError
    try: r = f()
    except FacexError as e: return 'named', f'{type(e).__name__}: {e}'
    except Exception as e: return 'crashed', f'{type(e).__name__}: {e}'
    return 'silent', f'returned {repr(r)[:120]}'


# --- generated bad images: (file name, bytes or a callable making the file, 'refuse' | 'convert') ---
def image_cases(rng):
    face = rng.integers(0, 256, (48, 48), dtype=np.uint8)
    rgb = Image.fromarray(rng.integers(0, 256, (60, 60, 3), dtype=np.uint8))
    ok_jpg = cv2.imencode('.jpg', face)[1].tobytes(); ok_png = _png(face)
    corrupt = bytearray(ok_png); corrupt[len(corrupt) // 2] ^= 0xFF
    exif = Image.Exif(); exif[0x0112] = 6
    return [
        ('16bit_gray.png', _png((face.astype(np.uint16) * 257)), 'convert'),
        ('16bit_rgb.png', cv2.imencode('.png', np.dstack([face] * 3).astype(np.uint16) * 257)[1].tobytes(), 'convert'),
        ('16bit.tif', cv2.imencode('.tiff', face.astype(np.uint16) * 257)[1].tobytes(), 'convert'),
        ('float01.tif', cv2.imencode('.tiff', face.astype(np.float32) / 255)[1].tobytes(), 'convert'),
        ('float255.tif', cv2.imencode('.tiff', face.astype(np.float32))[1].tobytes(), 'refuse'),
        ('1bit.png', _enc(rgb.convert('1'), 'PNG'), 'convert'),
        ('palette.png', _enc(rgb.convert('P'), 'PNG'), 'convert'),
        ('cmyk.jpg', _enc(rgb.convert('CMYK'), 'JPEG'), 'convert'),
        ('gray_alpha.png', _enc(rgb.convert('LA'), 'PNG'), 'convert'),
        ('exif_rotated.jpg', _enc(rgb, 'JPEG', exif=exif), 'convert'),
        ('truncated.jpg', ok_jpg[:len(ok_jpg) * 2 // 3], 'refuse'),
        ('truncated_header.jpg', ok_jpg[:40], 'refuse'),
        ('truncated.png', ok_png[:len(ok_png) * 2 // 3], 'refuse'),
        ('corrupt_crc.png', bytes(corrupt), 'refuse'),
        ('zero_bytes.jpg', b'', 'refuse'),
        ('text_named.png', b'this is a text file, not an image\n', 'refuse'),
        ('html_named.jpg', b'<html><body>404 Not Found</body></html>', 'refuse'),
        ('one_pixel.png', _png(np.zeros((1, 1), np.uint8)), 'refuse'),
        ('tiny_10x10.png', _png(np.zeros((10, 10), np.uint8)), 'refuse'),
        ('huge_header.png', _png_header_only(16000, 12000), 'refuse'),
        ('huge_header.jpg', _jpeg_with_dims(16000, 12000), 'refuse'),
        ('huge_60mp_header.png', _png_header_only(10000, 6000), 'refuse'),
    ]


def test_bad_inputs(tmp_path, capsys):
    import facex_nb.cli  # noqa: F401  (imports the CLI once; TensorFlow loads on the first model)
    from facex_nb.testing import tiny_model
    from facex_nb.assets import asset_path
    from facex_nb.core import FacexError
    s, rng = Suite(tmp_path), np.random.default_rng(0)
    src, out = s.src, s.out
    model = tmp_path/'tiny.keras'; tiny_model().save(model)

    # ---------- images through `facex macro predict` (one folder scan, crops and detection) ----------
    imgs = src/'images'; (imgs/'nested').mkdir(parents=True)
    expect = {}
    for name, data, how in image_cases(rng):
        (imgs/name).write_bytes(data); expect[str(imgs/name)] = (name, how)
    odd = {  # folder entries that are not images, each must still be a row
        'notes.txt': lambda p: p.write_text('not an image'), 'nested/README': lambda p: p.write_text('x'),
        'dangling.jpg': lambda p: os.symlink(imgs/'gone.jpg', p), 'nested/loop': lambda p: os.symlink(imgs, p),
        'loop_a.jpg': lambda p: (os.symlink(imgs/'loop_b.jpg', p), os.symlink(p, imgs/'loop_b.jpg')),
        'fifo.png': lambda p: os.mkfifo(p)}
    for name, make in odd.items(): make(imgs/name)
    for name in odd: expect[str(imgs/name)] = (name, 'refuse')
    expect[str(imgs/'loop_b.jpg')] = ('loop_b.jpg', 'refuse')
    named = {'missing.jpg': src/'missing.jpg', 'named_dangling.png': src/'named_dangling.png'}   # named on the command line
    os.symlink(src/'nowhere.png', named['named_dangling.png'])
    for k, p in named.items(): expect[str(p)] = (k, 'refuse')
    if not ROOT_USER:
        (imgs/'unreadable.png').write_bytes(_png(np.zeros((48, 48), np.uint8))); os.chmod(imgs/'unreadable.png', 0)
        expect[str(imgs/'unreadable.png')] = ('unreadable.png', 'refuse')
    for mode, extra in (('crops', ['--crops']), ('detect', [])):
        csv = out/f'pred_{mode}.csv'
        before = s.hashes()
        rc, o, e, tb = cli('macro', 'predict', imgs, *named.values(), '--model', model, '--out', csv, *extra)
        changed = s.hashes() != before
        if tb or rc != 0:
            for p, (name, how) in expect.items(): s.record(f'image {name} ({mode})', 'crashed', tb or e)
            continue
        df = pd.read_csv(csv, keep_default_na=False)
        rows = {r.path: r for r in df.itertuples()}
        assert f"of {len(df)} inputs without a prediction" in o, o        # the "N of M" count covers every row
        for p, (name, how) in expect.items():
            r = rows.get(p)
            if changed: outcome, why = 'silent', 'a source changed'
            elif r is None: outcome, why = 'silent', 'no row: dropped from the scan'
            elif not r.face_found: outcome, why = ('named', r.reason) if r.reason else ('silent', 'skipped without a reason')
            elif how == 'convert' and r.note: outcome, why = 'named', r.note
            else: outcome, why = 'silent', f'scored {r.label} with no reason or note'
            s.record(f'image {name} ({mode})', outcome, why)
        assert set(rows) == set(expect), sorted(set(rows) ^ set(expect))      # no row more, none less

    # 16-bit must read as the same face as 8-bit (scaled, not clipped): identical probabilities
    def sixteen_equals_eight():
        from facex_nb.macro.predict import predict_paths, load_model
        from facex_nb.data.fer2013 import demo_root
        fer = sorted((demo_root()/'test'/'happy').glob('*'))[0]
        g8 = cv2.imread(str(fer), cv2.IMREAD_GRAYSCALE); d = tmp_path/'fer16'; d.mkdir()
        cv2.imwrite(str(d/'a8.png'), g8); cv2.imwrite(str(d/'b16.png'), g8.astype(np.uint16) * 257)
        df = predict_paths([d/'a8.png', d/'b16.png'], load_model(model), crops=True)
        same = np.allclose(df.iloc[0, 3:10].astype(float), df.iloc[1, 3:10].astype(float), atol=1e-6)
        return ('named', df.note.iloc[1]) if same and df.note.iloc[1] else ('silent', f'16-bit read differently: {df.iloc[:, 2:10]}')
    s.run('16-bit PNG of a FER2013 face reads as its 8-bit original', sixteen_equals_eight)

    # ---------- outputs: never an input, checked before any work ----------
    vid = src/'clip.mp4'; shutil.copy(asset_path('single_face.mp4'), vid)
    os.symlink(vid, src/'clip_link.mp4'); os.link(vid, src/'clip_hard.mp4')
    sheet = src/'sheet.csv'
    pd.DataFrame({'Subject': [1, 1, 2, 2, 2, 3, 3], 'Filename': [f'EP0{i}' for i in range(7)], 'OnsetFrame': 1, 'ApexFrame': 5, 'OffsetFrame': 9,
                  'Action Units': ['1 2', '4 7', 'AU1 AU2', 'L 10', '12 B', 'X9+4', '6 12/14'],
                  'Estimated Emotion': ['surprise', 'disgust', 'surprise', 'disgust', 'happiness', 'happiness', 'happiness']}).to_csv(sheet, index=False)
    ro = out/'read_only'; ro.mkdir(); os.chmod(ro, 0o555)
    unwritable = ro/'x.csv' if not ROOT_USER else Path('/proc/facex_bad_inputs.csv')   # root writes into 0555 folders
    out_cases = [
        ('macro video --out = the input', ['macro', 'video', vid, '--model', model, '--out', vid]),
        ('macro video --out = a symlink to the input', ['macro', 'video', vid, '--model', model, '--out', src/'clip_link.mp4']),
        ('macro video --out = a hard link to the input', ['macro', 'video', vid, '--model', model, '--out', src/'clip_hard.mp4']),
        ('macro video --csv = the input', ['macro', 'video', vid, '--model', model, '--csv', vid]),
        ('macro video --csv in a missing folder', ['macro', 'video', vid, '--model', model, '--csv', out/'no'/'such'/'f.csv']),
        ('macro video --csv where folders cannot be written', ['macro', 'video', vid, '--model', model, '--csv', unwritable]),
        ('macro video --out without a suffix', ['macro', 'video', vid, '--model', model, '--out', out/'overlay']),
        ('macro video --out .avi (the writer makes mp4)', ['macro', 'video', vid, '--model', model, '--out', out/'o.avi']),
        ('micro video --out = the input, other spelling', ['micro', 'video', vid, '--out', src/'.'/'clip.mp4']),
        ('micro video --out without a suffix', ['micro', 'video', vid, '--out', out/'overlay']),
        ('micro video --out in a read-only place', ['micro', 'video', vid, '--out', unwritable.with_suffix('.mp4')]),
        ('micro video --csv = --events', ['micro', 'video', vid, '--csv', out/'a.csv', '--events', out/'a.csv']),
        ('micro video --csv under a file', ['micro', 'video', vid, '--csv', vid/'x.csv']),
        ('micro video --csv is a folder', ['micro', 'video', vid, '--csv', out]),
        ('micro label-aus --out = the sheet', ['micro', 'label-aus', sheet, '--dataset', 'casme2', '--out', sheet]),
        ('micro label-aus --out in a missing folder', ['micro', 'label-aus', sheet, '--dataset', 'casme2', '--out', out/'none'/'l.csv']),
        ('macro predict --out = an input', ['macro', 'predict', sheet, '--model', model, '--out', sheet]),
        ('macro predict --out not .csv', ['macro', 'predict', imgs/'1bit.png', '--model', model, '--out', out/'p.xlsx']),
        ('macro predict --out where folders cannot be written', ['macro', 'predict', imgs/'1bit.png', '--model', model, '--out', unwritable]),
        ('llm serve --log in a missing folder', ['llm', 'serve', '--log', out/'none'/'server.log']),
        ('micro live --overlay = the played video', ['micro', 'live', '--play', vid, '--overlay', vid]),
        ('micro live --events without a suffix', ['micro', 'live', '--play', vid, '--events', out/'events']),
        ('micro live --overlay in a missing folder', ['micro', 'live', '--play', vid, '--overlay', out/'none'/'o.mp4']),
    ]
    for case, argv in out_cases: s.run(case, lambda argv=argv: refused(*cli(*argv)))
    assert sorted(p.name for p in out.iterdir()) == ['pred_crops.csv', 'pred_detect.csv', 'read_only'], list(out.iterdir())  # nothing written

    # ---------- bad numbers and names on the command line (argparse) ----------
    arg_cases = [
        ['macro', 'predict', imgs, '--batch-size', '-1'], ['macro', 'predict', imgs, '--batch-size', '0'],
        ['macro', 'predict', imgs, '--batch-size', 'lots'], ['macro', 'predict', imgs, '--batch-size', '2.5'],
        ['macro', 'video', vid, '--detect-every', '0'], ['macro', 'video', vid, '--detect-every', '-3'],
        ['macro', 'live', '--camera', '-1'], ['micro', 'video', vid, '--max-frames', '0'], ['micro', 'video', vid, '--max-frames', 'ten'],
        ['reproduce', '--jobs', '0'], ['reproduce', '--profile', 'huge'], ['llm', 'serve', '--port', '70000'],
        ['llm', 'serve', '--port', '-5'], ['llm', 'serve', '--threads', '0'], ['llm', 'serve', '--n-ctx', '-1'],
        ['llm', 'serve', '--startup-timeout', 'nan'], ['llm', 'serve', '--startup-timeout', '-1'],
        ['micro', 'label-aus', sheet, '--dataset', 'casme3'], ['micro', 'label-aus', sheet, '--dataset', 'casme2', '--model', 'cnn'],
        ['fetch-assets', 'bogus'], ['fetch-assets', 'single_face.jpg', 'nope.gguf'],
        ['micro', 'label-aus', sheet, '--dataset', 'casme2', '--classes', 'casme2_99'],
        ['micro', 'live', '--play', vid, '--fps', '0'], ['micro', 'live', '--play', vid, '--seconds', '-1'],
        ['micro', 'live', '--camera', '-1'], ['micro', 'live', '--play', vid, '--wait-llm', 'soon'], ['micro', 'live'],
    ]
    for argv in arg_cases: s.run('args: facex ' + ' '.join(str(a) if not isinstance(a, Path) else a.name for a in argv), lambda argv=argv: refused(*cli(*argv)))

    # ---------- bad inputs to commands (existing good behaviour kept) ----------
    (src/'text.mp4').write_text('not a video'); (src/'empty.mp4').write_bytes(b''); (src/'sheet.txt').write_text('x')
    for case, argv in [('macro video on a text file', ['macro', 'video', src/'text.mp4', '--model', model]),
                       ('macro video on a missing file', ['macro', 'video', src/'nope.mp4', '--model', model]),
                       ('micro video on a zero-byte file', ['micro', 'video', src/'empty.mp4']),
                       ('micro label-aus on a non-sheet', ['micro', 'label-aus', src/'sheet.txt', '--dataset', 'casme2']),
                       ('macro predict with a broken model file', ['macro', 'predict', imgs/'1bit.png', '--model', src/'text.mp4'])]:
        s.run(case, lambda argv=argv: refused(*cli(*argv)))

    # ---------- AU strings with spaces: separate AUs with a note, never AU12/AU47 ----------
    rc, o, e, tb = cli('micro', 'label-aus', sheet, '--dataset', 'casme2', '--out', out/'aus.csv')
    lab = pd.read_csv(out/'aus.csv', keep_default_na=False) if rc == 0 and not tb else None
    for i, cell in enumerate(pd.read_csv(sheet)['Action Units']):
        if lab is None: s.record(f'label-aus AU cell {cell!r}', 'crashed', tb or e); continue
        note = lab.note.iloc[i]
        s.record(f'label-aus AU cell {cell!r}', 'named' if ('read as' in note or 'dropped' in note) else 'silent', note or 'no note')
    (out/'aus.csv').unlink(missing_ok=True)
    def casme_spaces():
        from facex_nb.data.casme_samm import make_casme2_fixture, load_casme2, read_sheet
        root = make_casme2_fixture(tmp_path/'casme2'); sh = read_sheet(next(root.glob('CASME2-coding-*.xlsx')))
        sh.loc[sh.Filename == 'EP04_03', 'Action Units'] = '1 2'; sh.to_csv(tmp_path/'sp.csv', index=False)
        d = load_casme2(root, sheet=tmp_path/'sp.csv')
        aus = [a.au for a in d.clips.set_index('clip').loc['EP04_03'].aus]
        rep = d.repairs[(d.repairs.item == 'sub01/EP04_03') & (d.repairs.field == 'aus')]
        return ('named', rep.rule.iloc[0]) if aus == [1, 2] and len(rep) else ('silent', f'aus {aus}, repairs {rep.values.tolist()}')
    s.run("load_casme2 AU cell '1 2'", casme_spaces)
    def casme_frame_links():
        "Frame entries with no content in a clip folder: each a repair row with its reason (they used to vanish)."
        from facex_nb.data.casme_samm import make_casme2_fixture, load_casme2
        root = make_casme2_fixture(tmp_path/'casme2links'); d = root/'CASME2_RAW_selected'/'sub01'/'EP04_03'
        os.symlink(d/'img999.jpg', d/'img200.jpg'); os.symlink(d/'img201.jpg', d/'img201.jpg'); os.mkfifo(d/'img202.jpg')
        rep = load_casme2(root).repairs.query("field == 'frames'").set_index('old').rule.to_dict()
        return [(f'load_casme2 frame {k} ({what})', ('named', rep[k]) if rep.get(k) else ('silent', 'dropped without a row'))
                for k, what in {'img200.jpg': 'dangling link', 'img201.jpg': 'symlink loop', 'img202.jpg': 'FIFO'}.items()]
    try: casme_rows = casme_frame_links()
    except Exception: casme_rows = [('load_casme2 frame links', ('crashed', traceback.format_exc()))]
    for case, (outcome, detail) in casme_rows: s.record(case, outcome, detail)

    # ---------- the FER2013 folder loader: every bad file a skip or a repair with its reason ----------
    def fer_folder():
        from facex_nb.data.fer2013 import load_fer2013
        r = tmp_path/'fer'; (r/'train'/'happy').mkdir(parents=True); (r/'test'/'sad').mkdir(parents=True)
        face = rng.integers(0, 256, (48, 48), dtype=np.uint8); ok = cv2.imencode('.jpg', face)[1].tobytes()
        bad = {'train/happy/truncated.jpg': ok[:len(ok) // 2], 'train/happy/zero.jpg': b'', 'train/happy/text.png': b'text',
               'train/happy/huge.png': _png_header_only(16000, 12000), 'train/happy/notes.txt': b'x'}
        conv = {'train/happy/16bit.png': _png(face.astype(np.uint16) * 257), 'train/happy/cmyk.jpg': _enc(Image.fromarray(face).convert('CMYK'), 'JPEG')}
        for k, v in {**bad, **conv, 'train/happy/ok.jpg': ok, 'test/sad/ok.jpg': ok}.items(): (r/k).write_bytes(v)
        os.symlink(r/'gone.jpg', r/'train/happy/dangling.jpg'); os.mkfifo(r/'train/happy/fifo.jpg')
        os.symlink(r/'train/happy/loop_b.jpg', r/'train/happy/loop_a.jpg'); os.symlink(r/'train/happy/loop_a.jpg', r/'train/happy/loop_b.jpg')
        os.symlink(r/'train/happy/self.png', r/'train/happy/self.png')          # symlink loops (the fingerprint used to raise ELOOP)
        bad.update({'train/happy/dangling.jpg': 1, 'train/happy/fifo.jpg': 1, 'train/happy/loop_a.jpg': 1, 'train/happy/loop_b.jpg': 1,
                    'train/happy/self.png': 1})
        d = load_fer2013(r, use_cache=False)
        skipped, repaired = dict(zip(d.skipped.item, d.skipped.reason)), dict(zip(d.repairs.item, d.repairs.note))
        out = [(f'fer2013 loader {k}', ('named', skipped[k]) if skipped.get(k) else ('silent', 'loaded without a reason')) for k in bad]
        out += [(f'fer2013 loader {k}', ('named', repaired[k]) if repaired.get(k) else ('silent', 'converted without a note')) for k in conv]
        return out
    try: fer_rows = fer_folder()
    except Exception: fer_rows = [('fer2013 loader folder', ('crashed', traceback.format_exc()))]
    for case, (outcome, detail) in fer_rows: s.record(case, outcome, detail)

    # ---------- Python API ----------
    from facex_nb.macro.predict import load_model
    from facex_nb.macro.preprocess import to_gray, prepare_face
    from facex_nb.core import decode_image
    clf = load_model(model)
    x = rng.random((4, 48, 48), dtype=np.float32)
    for case, arr in [('uint8 0-255', (x * 255).astype(np.uint8)), ('float 0-255', x * 255), ('NaN', np.where(x > .5, np.nan, x)),
                      ('inf', np.full_like(x, np.inf)), ('negative', x - 1), ('(N,64,64)', rng.random((2, 64, 64))),
                      ('int64', (x * 255).astype(np.int64)), ('bool', x > 0.5)]:
        s.run(f'api predict_proba faces {case}', lambda arr=arr: api(lambda: clf.predict_proba(arr)))
    s.run('api predict_proba batch_size=0', lambda: api(lambda: clf.predict_proba(x, batch_size=0)))
    for tta in ('no', 'yes', 'False', 1, 0.0):
        s.run(f'api load_model(tta={tta!r})', lambda tta=tta: api(lambda: load_model(model, tta=tta)))
    for case, arr in [('float 0-255', np.full((30, 30), 200.0)), ('NaN', np.full((30, 30), np.nan)), ('uint16', np.zeros((30, 30), np.uint16)),
                      ('int32', np.zeros((30, 30), np.int32)), ('bool', np.zeros((30, 30), bool)), ('(H,W,2)', np.zeros((30, 30, 2), np.uint8)),
                      ('empty', np.zeros((0, 0), np.uint8)), ('complex', np.zeros((30, 30), complex))]:
        s.run(f'api to_gray {case}', lambda arr=arr: api(lambda: to_gray(arr)))
    for crops in (True, False):
        def tiny_face(crops=crops):
            pf = prepare_face(np.zeros((1, 1), np.uint8), crops=crops)
            return ('named', pf.reason) if not pf.ok and pf.reason else ('silent', 'a 1×1 image was prepared as a face')
        s.run(f'api prepare_face 1x1 (crops={crops})', tiny_face)
    for case, data in [('bytes of a text file', b'plain text'), ('huge header', _png_header_only(20000, 20000)), ('empty bytes', b'')]:
        s.run(f'api decode_image {case}', lambda data=data: api(lambda: decode_image(data)))

    # ---------- a few through the installed `facex` in a fresh process ----------
    def sub(*argv, env=None):
        r = subprocess.run([FACEX, *map(str, argv)], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=300)
        return refused(r.returncode, r.stdout, r.stderr, None)
    s.run('subprocess: facex macro video X --out X', lambda: sub('macro', 'video', vid, '--model', model, '--out', vid))
    s.run('subprocess: facex fetch-assets bogus', lambda: sub('fetch-assets', 'bogus'))
    s.run('subprocess: facex macro predict --batch-size -1', lambda: sub('macro', 'predict', imgs, '--batch-size', '-1'))

    def huge_image_memory():
        "A real 16000×12000 PNG (zeros: 0.2 MB on disk, 192 MP): refused from its header, the process stays small."
        p = tmp_path/'huge'/'huge.png'; p.parent.mkdir()
        Image.new('L', (16000, 12000)).save(p, 'PNG', compress_level=1)
        wrap = ("import resource, subprocess, sys, json; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
                "print(json.dumps(dict(rc=r.returncode, out=r.stdout, err=r.stderr, rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)))")
        r = json.loads(subprocess.run([sys.executable, '-c', wrap, FACEX, 'macro', 'predict', p, '--model', model, '--out', out/'huge.csv'],
                                      capture_output=True, text=True, timeout=300).stdout)
        df = pd.read_csv(out/'huge.csv', keep_default_na=False) if r['rc'] == 0 else None
        (out/'huge.csv').unlink(missing_ok=True)
        if r['rc'] or 'Traceback' in r['err']: return 'crashed', r['err'][-300:]
        if r['rss_mb'] > 2500: return 'silent', f"decoded anyway: max RSS {r['rss_mb']:.0f} MB"
        return (('named', f"{df.reason.iloc[0]} (max RSS {r['rss_mb']:.0f} MB)") if not df.face_found.iloc[0] and 'MP' in df.reason.iloc[0]
                else ('silent', 'scored'))
    s.run('subprocess: 16000x12000 PNG, memory bounded', huge_image_memory)

    os.chmod(ro, 0o755)
    t = pd.DataFrame(s.rows)
    counts = t.outcome.value_counts().reindex(['named', 'crashed', 'silent'], fill_value=0)
    line = f"{len(t)} bad inputs tried: {counts['named']} named, {counts['crashed']} crashed, {counts['silent']} silent"
    with capsys.disabled():
        print('\n' + line)
        print('  ' + t.set_index('case').detail['subprocess: 16000x12000 PNG, memory bounded'])
        bad = t[t.outcome != 'named']
        if len(bad): print(bad.to_string(index=False, max_colwidth=140))
    assert counts['crashed'] == 0 and counts['silent'] == 0, t[t.outcome != 'named'].to_string()
    assert len(t) >= 100, len(t)
