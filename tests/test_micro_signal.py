"Fast checks of the micro-expression signal stages (AU table interpreter, amplification, spotting) without MediaPipe."
import numpy as np, pandas as pd, pytest
from facex_nb.core import DataError
from facex_nb.micro.aus import AU_TABLE, au_features, au_measures, fit_thresholds, detect, apex_features
from facex_nb.micro.amplify import amplify_trajectory, bandpass
from facex_nb.micro.spotting import spot, match_events, spotting_f1, synthetic_sequences

def _face(seed=0):
    "A random but fixed (478, 3) point cloud standing in for pose-normalised landmarks."
    return np.random.default_rng(seed).normal(0, 0.5, (478, 3))

def test_table_covers_required_aus():
    assert {1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 24, 25, 26, 43, 45} <= set(AU_TABLE.au)
    assert set(au_features().measure) <= {'height', 'dist', 'lateral', 'depth'}

def test_measures_shape_and_bad_input():
    m = au_measures(np.stack([_face(), _face()]))
    assert m.shape == (2, len(au_features())) and np.isfinite(m.to_numpy()).all()
    with pytest.raises(DataError): au_measures(np.zeros((2, 10, 3)))

def test_thresholds_and_detect():
    rng = np.random.default_rng(0); y = rng.random(300) < 0.3
    X = pd.DataFrame({'AU12': y * 0.02 + rng.normal(0, 0.003, 300)})
    th = fit_thresholds(X, pd.DataFrame({'AU12': y}))
    assert (detect(X, th).AU12 == y).mean() > 0.95

def test_amplify_in_band_gain():
    fps, T = 200, 400; b = np.zeros(T); b[150:210] = (1 - np.cos(np.linspace(0, 2 * np.pi, 60))) / 2
    a = amplify_trajectory(0.01 * b[:, None], fps, alpha=5, baseline=np.zeros(1))
    assert 0.05 < a.max() < 0.065

def test_spotting_f1_high_snr():
    counts = [match_events(spot(s, 200), t) for s, t in synthetic_sequences(10, amplitude=8, seed=3)]
    assert spotting_f1(counts)['f1'] > 0.8
