"`facex llm serve` as a separate process: prints the base URL, stops on Ctrl-C/SIGTERM, leaves no orphan when killed."
import os, sys, json, time, signal, socket, subprocess, threading, urllib.request
import pytest
from facex_nb.micro.llm_server import _pid_alive, LOCAL_ALIAS

CLI = [sys.executable, '-c', 'import sys; from facex_nb.cli import main; sys.exit(main(sys.argv[1:]))', 'llm', 'serve']


def _start(*args):
    # SIGINT back to its default in the child: a parent that ignores it (a non-interactive shell's `&`, some CI runners)
    # would hand the ignore down, and Python then never raises KeyboardInterrupt; a user's terminal does not ignore it
    p = subprocess.Popen(CLI + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines, errs, done = [], [], threading.Event()
    def read():
        for line in p.stdout:
            lines.append(line.rstrip())
            if line.startswith('base URL'): done.set()
        done.set()
    def drain():   # an unread stderr pipe fills up (server logs, asset fetch) and blocks the CLI mid-shutdown
        for line in p.stderr: errs.append(line)
    threading.Thread(target=read, daemon=True).start()
    threading.Thread(target=drain, daemon=True).start()
    done.wait(180)
    info = {l.split(': ', 1)[0]: l.split(': ', 1)[1] for l in lines if ': ' in l}
    if 'base URL' not in info:
        p.kill(); p.wait(); pytest.fail(f"no base URL printed: {lines} {''.join(errs)[-2000:]}")
    pid = int(lines[0].split('pid ')[1].split(',')[0])
    return p, info['base URL'], pid, lines


def _gone(pid, within=15):
    t0 = time.time()
    while time.time() - t0 < within:
        if not _pid_alive(pid): return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM], ids=['ctrl-c', 'sigterm'])
def test_serve_prints_url_and_stops(sig):
    p, url, pid, lines = _start()
    try:
        with urllib.request.urlopen(url + '/models', timeout=10) as r:
            assert [m['id'] for m in json.loads(r.read())['data']] == [LOCAL_ALIAS]
        assert any(l.startswith('export FACEX_LLM_BASE_URL=') for l in lines)
        p.send_signal(sig)
        assert p.wait(90) == 0   # a deadline on a loaded 2-core machine, not a timing test
    finally:
        if p.poll() is None: p.kill(); p.wait()
    assert _gone(pid), f"server pid {pid} still alive"


def test_no_orphan_when_the_cli_is_killed():
    p, url, pid, _ = _start()
    os.kill(p.pid, signal.SIGKILL); p.wait()
    alive = not _gone(pid)
    if alive: os.killpg(pid, signal.SIGKILL)   # clean up before failing
    assert not alive, f"server pid {pid} outlived its killed parent"


def test_port_in_use_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0)); busy.listen()
        r = subprocess.run(CLI + ['--port', str(busy.getsockname()[1])], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and 'is in use' in r.stderr and 'Traceback' not in r.stderr
