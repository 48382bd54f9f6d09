"Micro-expression peers: published figures as data, parameter counts, splits, K-means sub-classes (no training)."
import numpy as np, pandas as pd, pytest
from facex_nb.peers import cnn_bilstm as pcb, au_cnn as pau
from facex_nb.core import FacexError
from facex_nb.data.casme_samm import parse_au_string


def test_published_rows():
    pub = pcb.PUBLISHED_MICRO.set_index(['system', 'dataset'])
    assert pub.loc[('cnn_bilstm', 'samm'), 'accuracy'] == pytest.approx(0.6522)
    assert pub.loc[('cnn_bilstm', 'samm'), 'uf1'] == pytest.approx(0.6839)
    assert pub.loc[('apex_cnn', 'casme2'), 'uf1'] == pytest.approx(0.0764)
    assert pub.loc[('au_cnn', 'casme2'), 'accuracy'] == pytest.approx(0.9562)
    assert pub.loc[('au_cnn', 'samm'), 'accuracy'] == pytest.approx(0.9321)


def test_cnn_bilstm_size():
    assert 95.5e6 < pcb.cnn_bilstm_param_count(224, 8) < 95.7e6  # "~95 M" in the paper
    assert pcb.cnn_bilstm_param_count(64, 8) < 7e6


def test_au_cnn_matches_published_count():
    assert pau.build_au_cnn(7, (8, 8, 3)).count_params() == 22_247
    assert pau.build_au_cnn(7, (8, 8, 512)).count_params() > 400_000  # the stated 8×8×512 input cannot give 22,247


def test_split_theirs_and_padding():
    y = np.repeat(np.arange(5), 20)
    sp = pcb.split_theirs(y, seed=1)
    assert [len(sp[k]) for k in ('train', 'val', 'test')] == [64, 16, 20]
    assert not set(sp['train']) & set(sp['test'])
    assert pcb.pad_or_truncate(np.ones((3, 2)), 5)[3:].sum() == 0
    with pytest.raises(FacexError): pcb.split_theirs(y, fractions=(0.5, 0.5, 0.5))


def test_au_subclasses():
    rows = [('happiness', '6+12')] * 5 + [('happiness', '12')] * 5 + [('surprise', '1+2')] * 4
    clips = pd.DataFrame(dict(emotion=[e for e, _ in rows], aus=[parse_au_string(a) for _, a in rows]))
    sub, table, _ = pau.au_subclasses(clips)
    assert set(table.query("label == 'happiness'").aus) == {'{AU6, AU12}', '{AU12}'}
    assert table.query("label == 'surprise'").k.tolist() == [1]  # one AU pattern: one sub-class
    assert sub.notna().all()
