"""CASME II / SAMM loaders on the fixtures that reproduce the real formats' quirks (the real data is licence-gated)."""
import os
import numpy as np, pandas as pd, pytest
from facex_nb.data import casme_samm as md
from facex_nb.core import DataError


@pytest.fixture(scope='module')
def casme2_root(tmp_path_factory):
    return md.make_casme2_fixture(tmp_path_factory.mktemp('casme2'))


@pytest.fixture(scope='module')
def samm_root(tmp_path_factory):
    return md.make_samm_fixture(tmp_path_factory.mktemp('samm'))


@pytest.fixture(scope='module')
def casme2(casme2_root):
    return md.load_casme2(casme2_root)


@pytest.fixture(scope='module')
def samm(samm_root):
    return md.load_samm(samm_root)


@pytest.mark.parametrize('cell,dataset,codes', [
    ('4+7+L10', 'casme2', ['4', '7', 'L10']), ('R12', 'casme2', ['R12']), ('1+2+25', 'casme2', ['1', '2', '25']),
    ('12?', 'casme2', ['12?']), ('L4', 'casme2', ['L4']), ('4+L10+R12', 'casme2', ['4', 'L10', 'R12']),
    ('12A+R14B', 'casme2', ['12A', 'R14B']), (' AU4 + au 7 ', 'casme2', ['4', '7']), (4, 'casme2', ['4']),
    (4.0, 'casme2', ['4']), ('', 'casme2', []), ('/', 'casme2', []), (np.nan, 'casme2', []), (None, 'samm', []),
    ('R20B/R14B', 'samm', ['R20B', 'R14B']), ('A1+A2', 'samm', ['A1', 'A2']), ('4+7+43', 'samm', ['4', '7', '43']),
    ('R9', 'samm', ['R9']), ('L14A+12', 'samm', ['L14A', '12']), ('25.5+12', 'samm', ['12']), ('25.0', 'samm', ['25']),
])
def test_parse_au_string(cell, dataset, codes):
    assert [str(a) for a in md.parse_au_string(cell, dataset, [])] == codes


def test_parse_alternatives_unknown_and_warnings():
    r20, r14 = md.parse_au_string('R20B/R14B', 'samm')
    assert r20.alt_group == r14.alt_group == 1 and md.au_numbers([r20, r14], 'first') == {20}
    assert md.parse_au_string('4+7')[0].alt_group is None
    unknown = []
    assert [a.au for a in md.parse_au_string('X9+25.5+4', 'samm', unknown)] == [4] and unknown == ['X9', '25.5']
    with pytest.warns(UserWarning, match='unknown AU token'):
        md.parse_au_string('A1', 'casme2')  # `A` is a SAMM prefix only


def test_casme2_quirks(casme2):
    fx = md.CASME2_FIXTURE
    clips = casme2.clips.set_index('clip')
    assert list(clips.index) == list(fx[fx.frames != 'missing'].Filename)
    assert casme2.skipped.item.tolist() == ['sub04/EP10_01'] and 'missing' in casme2.skipped.reason[0]
    assert set(clips.subject) == {'sub01', 'sub02', 'sub03', 'sub04'}
    assert set(clips.n_frames) == {6}                               # Thumbs.db / ._img1.jpg not counted
    assert pd.isna(clips.loc['EP03_02', 'apex'])                     # '/' apex
    assert casme2.repairs.query("field == 'apex'").item.tolist() == ['sub01/EP03_02']
    assert casme2.repairs.query("field == 'aus'").old.tolist() == ['X9']
    assert casme2.repairs.query("field == 'offset'")[['item', 'old', 'new']].values.tolist() == [['sub04/EP12_03', '0', 45.0]]
    assert clips.loc['EP12_03', 'offset'] == 45                       # OffsetFrame 0 → last frame in the folder
    assert set(casme2.repairs.item) <= set(casme2.clips.subject + '/' + casme2.clips['clip'])  # no repairs of skipped rows
    assert clips.loc['EP09_05', 'aus'] == []                         # '/' AUs
    assert [str(a) for a in clips.loc['EP06_02', 'aus']] == ['4']    # numeric AU cell
    assert clips.loc['EP06_02', 'emotion'] == 'others'               # 'Others'
    assert clips.loc[['EP05_04f', 'EP07_01'], 'casme2_5'].tolist() == ['others', 'others']
    assert clips.loc[['EP05_04f', 'EP07_01'], 'casme2_7'].tolist() == ['fear', 'sadness']
    assert not any(c.startswith('Unnamed') for c in casme2.clips.columns)
    assert len(casme2.fingerprint) == 64


def test_casme2_frames(casme2, casme2_root):
    clips = casme2.clips.set_index('clip')
    assert [md.frame_number(p) for p in md.clip_frames(clips.loc['EP03_02'])] == list(range(8, 14))  # img9 < img10
    assert md.read_frames(clips.loc['EP02_01f']).shape == (6, 32, 32, 3)
    assert md.read_frames(clips.loc['EP02_01f'], 47, 49, gray=True).shape == (3, 32, 32)
    with pytest.raises(DataError, match='unreadable frame'):
        md.read_frames(clips.loc['EP09_05'])
    crop = md.load_casme2(casme2_root, frames='cropped')
    assert crop.frames_base.name == 'Cropped' and len(crop.clips) == len(casme2.clips)
    assert all(p.name.startswith('reg_img') for p in md.clip_frames(crop.clips.iloc[0]))


def test_casme2_csv_sheet_matches_xlsx(casme2, tmp_path):
    csv = md.load_casme2(md.make_casme2_fixture(tmp_path, sheet_format='csv'))
    assert csv.sheet.suffix == '.csv'
    drop = lambda d: d.clips.drop(columns=['frames_dir']).to_csv(index=False)
    assert drop(csv) == drop(casme2)


def test_wrong_columns_message(casme2_root, samm_root, tmp_path):
    bad = tmp_path/'bad.csv'
    pd.DataFrame({'Subject': [1], 'Filename': ['EP02_01f'], 'Onset': [46]}).to_csv(bad, index=False)
    with pytest.raises(DataError, match=r"missing columns \['OnsetFrame', 'ApexFrame', 'OffsetFrame', 'Action Units', "
                                        r"'Estimated Emotion'\]\. Expected .* found \['Subject', 'Filename', 'Onset'\]"):
        md.load_casme2(casme2_root, sheet=bad)
    with pytest.raises(DataError, match='no casme2 coding sheet'):
        md.load_casme2(tmp_path)  # holds only bad.csv


def test_samm_quirks(samm):
    clips = samm.clips.set_index('clip')
    assert samm.skipped.item.tolist() == ['011/011_2_1']
    assert clips.loc['007_3_1', 'subject'] == '007' and set(clips.subject) == {'006', '007'}
    rep = samm.repairs.set_index('field')
    assert rep.loc['apex', 'item'] == '006/006_1_4' and clips.loc['006_1_4', 'apex'] == 10
    assert rep.loc['aus', 'old'] == '25.5'
    assert ((clips.onset <= clips.apex) & (clips.apex <= clips.offset)).all()
    assert [a.alt_group for a in clips.loc['006_1_2', 'aus']] == [1, 1]
    assert clips.emotion.tolist() == ['contempt', 'surprise', 'happiness', 'anger', 'disgust', 'other', 'sadness']
    assert clips.samm_5.isna().tolist() == [False, False, False, False, True, False, True]
    assert clips.samm_objective.tolist() == ['VII', 'II', 'I', 'III', 'IV', 'VII', 'V']
    assert [md.frame_number(p) for p in md.clip_frames(clips.loc['006_1_2'])] == list(range(5562, 5568))
    with pytest.raises(DataError, match='unreadable frame'):
        md.read_frames(clips.loc['007_3_2'])


def test_missing_dataset_names_layout(tmp_path, monkeypatch):
    monkeypatch.setenv('FACEX_DATA', str(tmp_path))
    monkeypatch.delenv('FACEX_CONFIG', raising=False)
    with pytest.raises(DataError, match='CASME2_RAW_selected'):
        md.load_casme2()
    with pytest.raises(DataError, match='SAMM_Micro_FACS_Codes_v2'):
        md.load_samm()
