"Fast checks of the FER2013 peer systems (nbs/31_peers.yolo_cls, nbs/32_peers.sanchez): no training."
import os
import numpy as np, pandas as pd, pytest
from facex_nb.core import FacexError, DataError
from facex_nb.peers.yolo_cls import apply_policy, YOLO_AUG_POLICY, PEER_SYSTEMS as YOLO
from facex_nb.data.fer2013 import make_splits
from facex_nb.peers.sanchez import SANCHEZ_AUG_POLICY, PEER_SYSTEMS as SANCHEZ

X = np.random.default_rng(0).random((6, 48, 48), dtype=np.float32)

@pytest.mark.parametrize('policy', [YOLO_AUG_POLICY, SANCHEZ_AUG_POLICY])
def test_policy_deterministic_and_bounded(policy):
    a, b = apply_policy(X, policy, seed=5), apply_policy(X, policy, seed=5)
    assert np.array_equal(a, b) and a.shape == X.shape and a.min() >= 0 and a.max() <= 1
    assert not np.allclose(a, apply_policy(X, policy, seed=6))

def test_policy_rejects_bad_input():
    with pytest.raises(FacexError, match='unknown augmentation op'): apply_policy(X, [dict(op='nope', p=1)])
    with pytest.raises(DataError, match='gray images'): apply_policy(np.zeros((2, 48, 48, 3)), YOLO_AUG_POLICY)

def test_splits_partition_and_never_private():
    meta = pd.DataFrame(dict(split=['train'] * 140 + ['test'] * 60, y=np.arange(200) % 7))
    for scheme in ('ours', 'theirs'):
        s = make_splits(meta, scheme, seed=0)
        allidx = np.concatenate(list(s.values()))
        assert len(allidx) == len(set(allidx)) == 200
    assert set(make_splits(meta, 'ours')['test']) == set(range(140, 200))
    with pytest.raises(DataError, match='withheld'): make_splits(meta.assign(split='private'))

def test_registry_entries_complete():
    systems = {**YOLO, **SANCHEZ}
    assert set(systems) == {'yolo_cls', 'cnn1', 'cnn2', 'resnet18'}
    for name, s in systems.items():
        assert callable(s['build']) and {'batch_size', 'lr', 'patience'} <= set(s['train'])
        assert len(s['published']) and s['published_protocol'] and s['why_differ']

@pytest.mark.parametrize('name,lo,hi', [('yolo_cls', 1.3e6, 1.6e6), ('cnn1', 5e6, 6.5e6), ('cnn2', 4e6, 5.5e6), ('resnet18', 11e6, 11.6e6)])
def test_param_counts(name, lo, hi):
    m = {**YOLO, **SANCHEZ}[name]['build'](seed=0)
    assert lo < m.count_params() < hi and tuple(m.output.shape[1:]) == (7,)
