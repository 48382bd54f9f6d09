"FACS rules, label-aus helper and the ensemble's LOSO loop (fast; fixtures and simulated features only)."
import pandas as pd
import pytest
from facex_nb.core import FacexError, DataError
from facex_nb.micro.rules import TEXTBOOK_CASES, classify_rules, score_rules, label_aus_sheet, HARD_CONSTRAINTS, class_labels
from facex_nb.micro.ensemble import loso_evaluate, simulate_features
from facex_nb.data.casme_samm import make_casme2_fixture, make_samm_fixture, CASME2_FIXTURE, SAMM_FIXTURE


@pytest.mark.parametrize('class_set,aus,expected', list(TEXTBOOK_CASES.itertuples(index=False, name=None)))
def test_textbook(class_set, aus, expected):
    assert classify_rules(aus, class_set) == expected


def test_scores_cover_class_set():
    for cs in ['casme2_5', 'casme2_7', 'samm_all', 'samm_5']:
        s = score_rules('1+2', cs)
        assert list(s.index) == class_labels(cs) and s.notna().all()


def test_hard_constraints_shape():
    assert {'dataset', 'label', 'requires_any', 'forbids'} <= set(HARD_CONSTRAINTS.columns)
    assert (HARD_CONSTRAINTS.query("label == 'happiness'").requires_any.iloc[0]) == [6, 12]


def test_label_aus_fixtures(tmp_path):
    c2 = label_aus_sheet(next(make_casme2_fixture(tmp_path/'c').glob('*.xlsx')), 'casme2')
    sm = label_aus_sheet(next(make_samm_fixture(tmp_path/'s').glob('*.xlsx')), 'samm')
    assert len(c2) == len(CASME2_FIXTURE) and len(sm) == len(SAMM_FIXTURE)
    assert {'Subject', 'Filename', 'truth', 'prediction', 'score_happiness'} <= set(c2.columns)
    assert c2.prediction.notna().all()
    with pytest.raises(FacexError, match='belongs to'): label_aus_sheet(tmp_path/'c'/'x.csv', 'casme2', 'samm_5')


def test_label_aus_missing(tmp_path):
    with pytest.raises(DataError, match='not found'): label_aus_sheet(tmp_path/'none.csv')


def test_loso_no_leak_and_beats_chance():
    X, y, g, au = simulate_features(n_subjects=4, clips_per_subject=8)
    seen = []
    def spy(tr, te):
        seen.append((set(pd.Series(g)[tr]), set(pd.Series(g)[te])))
        return pd.DataFrame(0.2, index=te, columns=class_labels('casme2_5'))
    pred = loso_evaluate(X, y, g, au_truth=au, weights={'rules': .5, 'clf': .5, 'cnn': .1}, cnn_member=spy)
    assert len(pred) == len(X) and all(not (tr & te) for tr, te in seen)
    assert (pred.pred == pred.truth).mean() > 0.5
