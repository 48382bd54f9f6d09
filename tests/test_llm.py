"LLM step against the real openai client and a loopback FakeChatServer (fast: timeouts 0.5 s)."
import json, socket, time
from pathlib import Path
import pytest
from facex_nb.micro.llm import (FakeChatServer, LLMConfig, llm_scenarios, run_scenario, resolve_ambiguous,
                          normalise_aus, validate_answer, extract_json, default_constraints)

CLASSES = ['happiness', 'disgust', 'repression', 'surprise', 'others']
DETECTED = [dict(au='AU12', side='L', intensity=0.62), dict(au=6, intensity=0.35)]
SCENARIOS = llm_scenarios()


@pytest.mark.parametrize('row', list(SCENARIOS.itertuples()), ids=list(SCENARIOS.scenario))
def test_scenario(row, tmp_path):
    t0 = time.time()
    res, reqs = run_scenario(row.steps, DETECTED, CLASSES, 'others', tmp_path)
    assert (res['source'], res['label'], res['attempts'], len(reqs)) == (row.source, row.label, row.attempts, row.requests)
    assert time.time() - t0 < 5
    assert 'sk-test' not in json.dumps(res)
    assert all('sk-test' not in p.read_text() for p in tmp_path.glob('*.json'))


def test_skipped_without_endpoint(tmp_path):
    res = resolve_ambiguous(DETECTED, 'others', CLASSES, config=LLMConfig.from_env({}), cache_root=tmp_path)
    assert (res['source'], res['label'], res['status']) == ('skipped', 'others', 'skipped: no LLM endpoint configured')


def test_cache_replay_offline(tmp_path):
    steps = SCENARIOS.set_index('scenario').loc['good', 'steps']
    first, _ = run_scenario(steps, DETECTED, CLASSES, 'others', tmp_path)
    assert first['source'] == 'llm'
    # server is gone; an unreachable endpoint is configured, yet the cache answers without any request
    cfg = LLMConfig(base_url='http://127.0.0.1:9/v1', api_key='x', model='fake-model', timeout=0.5, max_retries=0)
    again = resolve_ambiguous(DETECTED, 'others', CLASSES, config=cfg, cache_root=tmp_path)
    assert (again['label'], again['source'], again['requests']) == ('happiness', 'cache', 0)
    only = resolve_ambiguous(DETECTED, 'others', CLASSES, config=LLMConfig(model='fake-model'), cache_only=True, cache_root=tmp_path)
    assert only['source'] == 'cache'


def test_server_stops_itself():
    with FakeChatServer([FakeChatServer.answer(label='x')], lifetime_s=0.2) as srv:
        port = int(srv.base_url.split(':')[2].split('/')[0])
        time.sleep(0.6)
        with pytest.raises(OSError):
            socket.create_connection(('127.0.0.1', port), timeout=0.5)


def test_validation_and_extraction():
    det = set(normalise_aus(DETECTED).au)
    ok = dict(label='happiness', confidence=0.7, rationale='r', aus_used=['AU6', 'AU12'])
    assert validate_answer(ok, CLASSES, det, default_constraints(), 'casme2') == []
    assert validate_answer(dict(ok, label='surprise', aus_used=[]), CLASSES, det, default_constraints(), 'casme2')
    assert extract_json('blah {"label": "happiness"} blah') == {'label': 'happiness'}
    assert extract_json('no json') is None
