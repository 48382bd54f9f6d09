"metrics agrees with scikit-learn (zero_division=0 convention) and never yields NaN."
import warnings
import numpy as np
import pytest
from sklearn.metrics import precision_recall_fscore_support, recall_score, f1_score, confusion_matrix, accuracy_score
from facex_nb.metrics import evaluate, pool_folds, summary_row
from facex_nb.core import DataError


@pytest.mark.parametrize('seed', range(20))
def test_against_sklearn(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 8)); labels = [f'c{i}' for i in range(k)]
    n = int(rng.integers(1, 80))
    yt = list(rng.choice(labels[:int(rng.integers(1, k + 1))], n)); yp = list(rng.choice(labels[int(rng.integers(0, k)):], n))
    r = evaluate(yt, yp, labels, n_boot=50, seed=seed)
    present = sorted(set(yt))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        P, R, F, S = precision_recall_fscore_support(yt, yp, labels=labels, zero_division=0)
        assert np.allclose(r['per_class'][['precision', 'recall', 'f1']].to_numpy().T, [P, R, F])
        assert np.isclose(r['uar'], recall_score(yt, yp, labels=present, average='macro', zero_division=0))
        assert np.isclose(r['uf1'], f1_score(yt, yp, labels=present, average='macro', zero_division=0))
        assert np.isclose(r['accuracy'], accuracy_score(yt, yp))
    assert (r['confusion'].to_numpy() == confusion_matrix(yt, yp, labels=labels)).all()
    assert not np.isnan(r['confusion_norm'].to_numpy()).any()
    row = summary_row(r)
    assert row['accuracy_lo'] <= row['accuracy'] <= row['accuracy_hi']


def test_pool_and_errors():
    res = pool_folds([(['a', 'b'], ['a', 'a']), (['b'], ['b'])], ['a', 'b'], n_boot=20)
    assert res['confusion'].to_numpy().tolist() == [[1, 0], [1, 1]] and len(res['per_fold']) == 2
    with pytest.raises(DataError, match='not in labels'):
        evaluate(['a'], ['q'], ['a', 'b'])
