"""Scratch buffers reused from tile to tile."""

from __future__ import annotations

import threading

import numpy as np

from palsar2_plugin.rtc.workspace import Workspace, WorkspacePool, scratch


def test_a_name_reuses_its_buffer_and_grows_when_asked_for_more():
    ws = Workspace()
    a = ws.array("geometry", (3, 4))
    a[:] = 7.0
    b = ws.array("geometry", (2, 5))                 # smaller: the same memory
    assert np.shares_memory(a, b) and b.shape == (2, 5) and b.flags.c_contiguous
    c = ws.array("geometry", (10, 10))               # larger: a new buffer
    assert not np.shares_memory(a, c) and ws.nbytes == 800
    d = ws.array("flags", (4, 4), np.bool_)          # another name never aliases
    assert not np.shares_memory(c, d) and d.dtype == np.bool_
    assert ws.nbytes == 800 + 16


def test_without_a_workspace_every_call_allocates():
    a = scratch(None, "x", (3, 3))
    b = scratch(None, "x", (3, 3))
    assert not np.shares_memory(a, b)


def test_each_thread_of_a_pool_has_its_own_workspace():
    pool = WorkspacePool()
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(pool.get())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen[0] is not seen[1]
    assert pool.get() is pool.get()

