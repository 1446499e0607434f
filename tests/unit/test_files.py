"""finmodel.files.run_writers: writers side by side in forked processes, with the same outcome as
one after the other (files written, an error raised here, nothing half done)."""
from __future__ import annotations

import os
import signal
import threading

import pytest

from finmodel import files
from finmodel.errors import InputError


def _pid_writer(text: str):
    def write(path):
        path.write_text(f"{text} {os.getpid()}")
    return write


@pytest.fixture
def forking(monkeypatch):
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(files, "can_fork", lambda: True)


def test_every_writer_after_the_first_runs_in_a_child_process(forking, tmp_path):
    paths = [tmp_path / n for n in ("a.xlsx", "b.pdf", "c.txt")]
    files.run_writers({p: _pid_writer(p.stem) for p in paths})
    written = [p.read_text().split() for p in paths]
    assert [w[0] for w in written] == ["a", "b", "c"]
    pids = [int(w[1]) for w in written]
    assert pids[0] == os.getpid()
    assert os.getpid() not in pids[1:] and pids[1] != pids[2]


def test_without_fork_the_writers_run_here_in_order(monkeypatch, tmp_path):
    monkeypatch.setattr(files, "can_fork", lambda: False)
    order = []
    paths = [tmp_path / "a", tmp_path / "b"]
    files.run_writers({p: (lambda path: order.append((path.name, os.getpid()))) for p in paths})
    assert order == [("a", os.getpid()), ("b", os.getpid())]


def test_an_error_in_a_child_is_raised_here_as_itself(forking, tmp_path):
    def bad(path):
        raise InputError.single("case.yaml", "contract.price", "must be positive")

    with pytest.raises(InputError) as info:
        files.run_writers({tmp_path / "a": _pid_writer("a"), tmp_path / "b": bad})
    assert str(info.value) == str(InputError.single("case.yaml", "contract.price", "must be positive"))
    assert any("writing b in a child process" in note for note in info.value.__notes__)


def test_an_error_that_cannot_travel_arrives_as_text(forking, tmp_path):
    class Odd(Exception):
        def __init__(self, a, b):  # pickles, but cannot be rebuilt from its args
            super().__init__(f"{a}/{b}")

    def bad(path):
        raise Odd(1, 2)

    with pytest.raises(RuntimeError, match=r"writing b failed:(.|\n)*Odd: 1/2"):
        files.run_writers({tmp_path / "a": _pid_writer("a"), tmp_path / "b": bad})


def test_a_killed_child_is_an_error_naming_its_file(forking, tmp_path):
    def killed(path):
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(RuntimeError, match=r"writing b\.pdf failed: its process ended with status -9"):
        files.run_writers({tmp_path / "a": _pid_writer("a"), tmp_path / "b.pdf": killed})


def test_when_this_process_fails_the_children_are_stopped_and_reaped(forking, monkeypatch, tmp_path):
    started = tmp_path / "started"
    stopped = []
    stop = files.Child.stop
    monkeypatch.setattr(files.Child, "stop", lambda self: stopped.append(self.pid) or stop(self))

    def slow(path):
        started.write_text("yes")
        signal.pause()  # until stopped
        path.write_text("never")

    def bad(path):
        while not started.exists():  # the child is running before this fails
            pass
        raise ValueError("the first writer failed")

    with pytest.raises(ValueError, match="the first writer failed"):
        files.run_writers({tmp_path / "a": bad, tmp_path / "b": slow})
    assert not (tmp_path / "b").exists()
    [pid] = stopped
    with pytest.raises(ChildProcessError):  # nothing left to wait for: the child was reaped
        os.waitpid(pid, os.WNOHANG)


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not files.can_fork()
    finally:
        stop.set()
        t.join()
    if threading.active_count() == 1 and hasattr(os, "fork") and len(os.sched_getaffinity(0)) > 1:
        assert files.can_fork()  # the same process without the thread may fork


def test_reports_are_all_or_nothing_when_a_child_writer_fails(forking, tmp_path):
    out = tmp_path / "out"

    def bad(path):
        path.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        files.write_document(out, "case", {"a": 1}, {"xlsx": lambda p: p.write_text("book"), "pdf": bad})
    assert list(out.iterdir()) == []
