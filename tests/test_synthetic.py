"Synthetic CASME II-format benchmark: generation, ground truth and round trip through the CASME II loader."
import json
import numpy as np, pandas as pd, pytest
from facex_nb.data import synthetic as syn


@pytest.fixture(scope='module')
def bench(tmp_path_factory):
    root = tmp_path_factory.mktemp('synth')/'bench'
    return syn.make_benchmark(root, n_subjects=2, clips_per_subject=3, size=128, seed=1, verbose=False)


def test_layout_and_counts(bench):
    sheet = pd.read_csv(bench/syn.CODING_SHEET)
    clips = pd.read_csv(bench/'synthetic-clips.csv')
    assert len(sheet) == len(clips) == 6 and sorted(sheet.Subject.unique()) == [1, 2]
    assert list(sheet.columns[:7]) == ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'Action Units', 'Estimated Emotion']
    assert ((sheet.OnsetFrame <= sheet.ApexFrame) & (sheet.ApexFrame <= sheet.OffsetFrame)).all()
    assert set(sheet['Estimated Emotion']) <= set(syn.CASME2_EMOTIONS)
    for r, c in zip(sheet.itertuples(), clips.itertuples()):
        d = bench/'CASME2_RAW_selected'/f'sub{r.Subject:02d}'/r.Filename
        nums = sorted(int(p.stem[3:]) for p in d.glob('img*.jpg'))
        assert nums == list(range(c.first_frame, c.last_frame + 1)) and len(nums) == c.n_frames
        assert c.first_frame < r.OnsetFrame and r.OffsetFrame < c.last_frame
        assert 40 <= r.OffsetFrame - r.OnsetFrame <= 100  # 200-500 ms at 200 fps
        amps = json.loads(c.amplitudes_iod)
        assert set(amps) == set(r._6.split('+')) and all(0.005 <= a <= 0.03 for a in amps.values())


def test_ground_truth_profile(bench):
    sheet = pd.read_csv(bench/syn.CODING_SHEET)
    aus = pd.read_csv(bench/'synthetic-aus.csv', dtype={'au': str})  # '12' and 'L14' alike
    clips = pd.read_csv(bench/'synthetic-clips.csv')
    for r, c in zip(sheet.itertuples(), clips.itertuples()):
        g = aus[(aus.Subject == r.Subject) & (aus.Filename == r.Filename)]
        amps = json.loads(c.amplitudes_iod)
        at_apex = g[g.frame == r.ApexFrame].set_index('au')
        for au, a in amps.items():
            assert at_apex.loc[au, 'intensity'] == pytest.approx(1.0)
            assert at_apex.loc[au, 'amplitude_iod'] == pytest.approx(a, rel=1e-5)
            assert at_apex.loc[au, 'displacement_px'] == pytest.approx(a * c.iod_px, rel=1e-5)
        outside = g[(g.frame <= r.OnsetFrame) | (g.frame >= r.OffsetFrame)]
        assert (outside.intensity.abs() < 1e-9).all()


def test_field_peak_is_requested_fraction_of_iod():
    ident = syn.Identity('canonical', 'test', np.full((160, 160, 3), 128, np.uint8),
                         {k: (x * 160, y * 160) for k, (x, y) in syn.CANONICAL_ANCHORS.items()})
    for au in (1, 4, 12, 15):
        f = syn.au_field(ident, au, 'B', 0.02)
        assert np.sqrt((f ** 2).sum(-1)).max() == pytest.approx(0.02 * ident.iod, rel=1e-4)


def test_deterministic(bench, tmp_path):
    again = syn.make_benchmark(tmp_path/'again', n_subjects=2, clips_per_subject=3, size=128, seed=1, verbose=False)
    for f in [syn.CODING_SHEET, 'synthetic-aus.csv', 'synthetic-frames.csv']:
        assert (bench/f).read_bytes() == (again/f).read_bytes()


def test_loads_with_casme2_loader(bench):
    micro_data = pytest.importorskip('facex_nb.data.casme_samm')
    sheet = pd.read_csv(bench/syn.CODING_SHEET)
    md = micro_data.load_casme2(bench)
    assert len(md.clips) == len(sheet) and len(md.skipped) == 0
    subj_no = lambda s: int(str(s).lower().replace('sub', ''))
    got = {(subj_no(r.subject), r.clip): r for r in md.clips.itertuples()}
    for r in sheet.itertuples():
        g = got[(r.Subject, r.Filename)]
        assert (int(g.onset), int(g.apex), int(g.offset)) == (r.OnsetFrame, r.ApexFrame, r.OffsetFrame)
        assert str(g.emotion).lower() == r._7
        assert sorted((a.au, a.side) for a in g.aus) == sorted(syn.au_items(r._6))
        assert len(micro_data.clip_frames(md.clips.loc[g.Index])) == g.n_frames
