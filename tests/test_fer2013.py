"FER2013 loaders on tiny fixtures of each real format: class mapping by name, recorded skips, clear errors."
import hashlib, subprocess
from pathlib import Path
import numpy as np, pandas as pd, pytest, cv2
from facex_nb.core import DataError, sha256_file
from facex_nb.data.fer2013 import (FER_CLASSES, CSV_ORDER, load_fer2013, duplicate_audit, make_demo_sample, demo_root,
                              fer_fingerprint, canonical_class)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv('FACEX_CACHE', str(tmp_path/'cache'))


def _px(v, n=2304): return ' '.join([str(v)] * n)

ROWS = [(4, _px(10), 'Training'), (6, _px(20), 'PublicTest'), (0, _px(30), 'PrivateTest'), (5, _px(40), 'Training'),
        (3, _px(50, 100), 'Training'), ('x', _px(60), 'Training'), (1, _px(70), 'Bogus')]

def _write_csv(path, header, rows=ROWS):
    idx = {'emotion': 0, 'pixels': 1, 'usage': 2}
    order = [idx[h.strip().lower()] for h in header]
    path.write_text('\n'.join([','.join(header)] + [','.join(str(r[o]) for o in order) for r in rows]) + '\n')
    return path

def _jpg(v, side=48, colour=False):
    return cv2.imencode('.jpg', np.full((side, side, 3) if colour else (side, side), v, np.uint8))[1].tobytes()

@pytest.fixture
def tree(tmp_path):
    d = tmp_path/'fer'
    for split, cls, vals in [('train', 'angry', [10, 20]), ('train', 'sadness', [30]), ('test', 'angry', [10]),
                             ('test', 'happy', [90])]:
        (d/split/cls).mkdir(parents=True, exist_ok=True)
        for v in vals: (d/split/cls/f'im{v}.jpg').write_bytes(_jpg(v))
    (d/'train/angry/cut.jpg').write_bytes(_jpg(5)[:150])
    (d/'train/angry/.DS_Store').write_bytes(b'\0\0')
    (d/'train/angry/empty.jpg').write_bytes(b'')
    (d/'test/happy/big.jpg').write_bytes(_jpg(200, 96, colour=True))
    return d


def test_csv_maps_integers_by_name(tmp_path):
    fd = load_fer2013(_write_csv(tmp_path/'fer2013.csv', ('emotion', 'pixels', 'Usage')))
    by_id = fd.meta.set_index('id')
    assert by_id.loc['row0', 'label'] == 'sad' and by_id.loc['row0', 'y'] == FER_CLASSES.index('sad') == 5
    assert by_id.loc['row1', 'label'] == 'neutral' and by_id.loc['row1', 'y'] == 4
    assert by_id.loc['row3', 'label'] == 'surprise'
    assert fd.meta.split.tolist() == ['train', 'test', 'private', 'train']
    assert fd.images.shape == (4, 48, 48) and fd.images.dtype == np.uint8 and (fd.images[1] == 20).all()
    reasons = dict(zip(fd.skipped.item, fd.skipped.reason))
    assert reasons == {'row4': 'pixels has 100 values, expected 2304', 'row5': "emotion 'x' is not an integer 0-6",
                       'row6': "unknown Usage 'Bogus'"}
    assert fd.fingerprint == sha256_file(tmp_path/'fer2013.csv') and not fd.is_demo


def test_icml_header_with_leading_spaces(tmp_path):
    a = load_fer2013(_write_csv(tmp_path/'fer2013.csv', ('emotion', 'pixels', 'Usage')))
    (tmp_path/'icml').mkdir()
    icml = _write_csv(tmp_path/'icml'/'icml_face_data.csv', ('emotion', ' Usage', ' pixels'))
    b = load_fer2013(icml.parent)                          # a folder holding icml_face_data.csv works too
    pd.testing.assert_frame_equal(a.meta.drop(columns='path'), b.meta.drop(columns='path'))
    assert (a.images == b.images).all() and a.skipped.equals(b.skipped)


def test_wrong_csv_columns(tmp_path):
    p = _write_csv(tmp_path/'x.csv', ('emotion', 'pixels', 'Usage'))
    p.write_text(p.read_text().replace('emotion,pixels,Usage', 'label,image,split', 1))
    with pytest.raises(DataError, match=r"expected columns \['emotion', 'pixels', 'Usage'\].*found \['label', 'image', 'split'\]"):
        load_fer2013(p)


def test_folder_records_skips_and_repairs(tree):
    fd = load_fer2013(tree)
    assert len(fd) == 6 and set(fd.meta.label) == {'angry', 'sad', 'happy'}
    assert fd.meta.set_index('id').loc['train/sadness/im30.jpg', 'label'] == 'sad'
    reasons = dict(zip(fd.skipped.item, fd.skipped.reason))
    assert reasons['train/angry/cut.jpg'] == 'truncated JPEG (no end-of-image marker)'
    assert reasons['train/angry/empty.jpg'] == 'empty file'
    assert reasons['train/angry/.DS_Store'].startswith('not an image file')
    assert fd.repairs.set_index('item').note.to_dict() == {'test/happy/big.jpg': 'colour → grey; resized 96×96 → 48×48'}
    assert fd.images.shape == (6, 48, 48)
    assert fd.fingerprint == fer_fingerprint(tree)


def test_unknown_class_folder_is_an_error(tree):
    (tree/'train'/'smiling').mkdir()
    with pytest.raises(DataError, match=r"'smiling'.*angry, disgust, fear, happy, neutral, sad, surprise"):
        load_fer2013(tree)
    assert canonical_class('Happiness') == 'happy' and canonical_class('anger') == 'angry'


def test_missing_source_and_split(tmp_path, tree):
    with pytest.raises(DataError, match='does not exist'): load_fer2013(tmp_path/'nope')
    (tmp_path/'empty').mkdir()
    with pytest.raises(DataError, match='no FER2013 data'): load_fer2013(tmp_path/'empty')
    with pytest.raises(DataError, match=r"\['validation'\] not in"): load_fer2013(tree, splits='validation')
    assert set(load_fer2013(tree, splits=['test']).meta.split) == {'test'}


def test_sampling_is_deterministic_and_cache_consistent(tree):
    (tree/'SHA256SUMS').write_text(''.join(f'{sha256_file(f)}  ./{f.relative_to(tree)}\n'
                                           for f in sorted(tree.rglob('*.jpg'))))
    full = load_fer2013(tree)                              # fills the cache
    assert full.fingerprint == sha256_file(tree/'SHA256SUMS')
    again = load_fer2013(tree)                             # from the cache
    assert again.meta.equals(full.meta) and (again.images == full.images).all()
    assert again.skipped.equals(full.skipped) and again.repairs.equals(full.repairs)
    s1 = load_fer2013(tree, max_per_class=1, seed=3)
    s2 = load_fer2013(tree, max_per_class=1, seed=3, use_cache=False)
    assert s1.meta.id.tolist() == s2.meta.id.tolist()
    assert s1.meta.groupby(['split', 'label']).size().max() == 1


def test_duplicate_audit(tree):
    fd = load_fer2013(tree)                                # im10 is in train/angry and test/angry
    aud = duplicate_audit(fd)
    g = aud['groups']
    assert len(g) == 1 and g.n.iloc[0] == 2 and g.splits.iloc[0] == 'test,train'
    assert len(aud['cross_split']) == 1 and len(aud['label_conflicts']) == 0
    (tree/'test'/'happy'/'im10.jpg').write_bytes(_jpg(10))
    aud = duplicate_audit(load_fer2013(tree))
    assert len(aud['label_conflicts']) == 1 and aud['groups'].labels.iloc[0] == 'angry,happy'


def test_demo_sample(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('FACEX_DATA', str(tmp_path/'no_data'))
    fd = load_fer2013()
    assert fd.is_demo and 'demo sample' in capsys.readouterr().out
    assert set(fd.meta.label) == set(FER_CLASSES) and set(fd.meta.split) == {'train', 'test'} and len(fd.skipped) == 0
    assert fd.fingerprint == sha256_file(demo_root()/'SHA256SUMS')
    size = int(subprocess.run(['du', '-sk', str(demo_root())], capture_output=True, text=True).stdout.split()[0])
    assert size <= 2048, f'demo sample is {size} KiB'
    assert len(duplicate_audit(fd)['cross_split']) >= 1


def test_make_demo_sample(tmp_path, tree):
    (tree/'test'/'happy'/'big.jpg').unlink()
    (tree/'test'/'happy'/'im10.jpg').write_bytes(_jpg(10))
    (tree/'SHA256SUMS').write_text(''.join(f'{sha256_file(f)}  ./{f.relative_to(tree)}\n'
                                           for f in sorted(tree.rglob('*.jpg')) if f.stat().st_size > 200))
    dest = tmp_path/'demo'
    make_demo_sample(tree, dest, per_class_per_split={'train': 1, 'test': 1}, n_duplicate_pairs=1)
    fd = load_fer2013(dest)
    assert fd.fingerprint == sha256_file(dest/'SHA256SUMS') and len(fd.skipped) == 0
    assert len(duplicate_audit(fd)['groups']) == 1        # the duplicate group was copied whole
    with pytest.raises(DataError, match='SHA256SUMS'): make_demo_sample(tmp_path/'demo'/'train', tmp_path/'d2')
