#!/usr/bin/env python3
"""What cancelling a task does in four Python process pools: the peers of nproc's CancelCompare.

Measures, for multiprocessing.Pool, concurrent.futures.ProcessPoolExecutor, loky (the copy inside
joblib, joblib.externals.loky) and pebble.ProcessPool, each with 2 workers, three scenarios:

  queued        both workers are held by tasks that wait for a marker file; task Q (it would
                append a line to a file) is submitted, left queued for 0.3 s, then cancelled;
                the workers are released. Did cancel() return True, did Q run?
  cooperative   task X sleeps 60 s in steps of 0.05 s and appends a tick line at each step; the
                other worker is held, and task F is queued behind X. Once X ticks, X is cancelled.
                When did the ticks stop, when did F complete, does the pool still work, did F
                run in a new process?
  ignores-intr  the same, but X is a busy loop that never sleeps and ignores SIGTERM and SIGINT.

Every wait has a time limit; each scenario ends by shutting its pool down and killing any of
its processes still alive. Run with the system Python (joblib and pebble from Debian packages
python3-joblib and python3-pebble):

    /usr/bin/python3 benchmarks/python/cancel_peers.py [--only=PEER,...]

Prints one line per peer and scenario on stdout, in the format of CancelCompare.java:
    peer=... scenario=... cancel=... ran=... ticks=... next=... pool=... pid=... note=...
  cancel  what cancel() returned (no-api: multiprocessing.Pool's AsyncResult has no cancel)
  ran     queued: whether Q ran
  ticks   stop+T: the last tick came T s after cancel() (stop-T: before it) and none after;
          on@+T: still ticking T s after cancel()
  next    +T: F completed T s after cancel(); none@T: F had not completed T s after cancel()
  pool    ok: a probe task submitted after the blocker was released completed within 5 s
  pid     same/new: whether F ran in the process that ran X
Progress goes to stderr.
"""
import concurrent.futures
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time

TASK_LIMIT = 60.0       # no task of ours runs longer than this, even if orphaned
STEP = 0.05             # tick period of X
SETTLE = 0.3            # a submitted task is left queued this long before the cancel
NEXT_WAIT = 8.0         # how long we wait for F after the cancel
TICK_WINDOW = 4.0       # ticks are read no sooner than this after the cancel
PROBE_WAIT = 5.0
START_WAIT = 30.0


# ------------------------------------------------------------------ task functions (run in workers)

def pid_task(_=None):
    return os.getpid()


def blocker(args):
    """Writes a start file, then waits for the marker file (at most TASK_LIMIT s)."""
    started, marker = args
    with open(started, "a") as f:
        f.write("%d %.6f\n" % (os.getpid(), time.time()))
    deadline = time.time() + TASK_LIMIT
    while not os.path.exists(marker) and time.time() < deadline:
        time.sleep(0.01)
    return os.getpid()


def appender(path):
    """Task Q: appends one line to a file."""
    with open(path, "a") as f:
        f.write("ran %d %.6f\n" % (os.getpid(), time.time()))
    return os.getpid()


def _tick(path, extra=""):
    with open(path, "a") as f:
        f.write("tick %d %.6f%s\n" % (os.getpid(), time.time(), extra))


def cooperative(path):
    """Task X, cooperative: sleeps TASK_LIMIT s in steps of STEP s, ticking at each step."""
    deadline = time.time() + TASK_LIMIT
    while time.time() < deadline:
        _tick(path)
        time.sleep(STEP)
    return "finished"


def busy(path):
    """Task X, uncooperative: a busy loop that never sleeps, ticks every STEP s, ignores SIGTERM/SIGINT."""
    old_term = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        start = time.time()
        next_tick = start
        x = 0
        while True:
            for i in range(2000):
                x = (x * 31 + i) % 1000003
            now = time.time()
            if now >= next_tick:
                _tick(path)
                next_tick = now + STEP
            if now - start > TASK_LIMIT:
                return x
    finally:
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)


# ------------------------------------------------------------------ peers

class Peer:
    """Adapts one pool to: submit, cancel, wait for a result, shut down."""
    name = "?"

    def submit(self, fn, arg):
        raise NotImplementedError

    def cancel(self, handle):
        return "true" if handle.cancel() else "false"

    def result(self, handle, timeout):
        """Returns the result, or raises TimeoutError; other failures are raised as they are."""
        try:
            return handle.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            raise TimeoutError()

    def state(self, handle):
        if handle.cancelled():
            return "cancelled"
        if handle.running():
            return "running"
        return "done" if handle.done() else "pending"

    def shutdown(self):
        raise NotImplementedError


class MpPool(Peer):
    name = "multiprocessing.Pool"

    def __init__(self, n):
        self.pool = multiprocessing.Pool(n)

    def submit(self, fn, arg):
        return self.pool.apply_async(fn, (arg,))

    def cancel(self, handle):
        return "no-api"

    def result(self, handle, timeout):
        try:
            return handle.get(timeout)
        except multiprocessing.TimeoutError:
            raise TimeoutError()

    def state(self, handle):
        return "done" if handle.ready() else "pending"

    def shutdown(self):
        self.pool.terminate()
        self.pool.join()


class Cf(Peer):
    name = "ProcessPoolExecutor"

    def __init__(self, n):
        self.ex = concurrent.futures.ProcessPoolExecutor(n)

    def submit(self, fn, arg):
        return self.ex.submit(fn, arg)

    def shutdown(self):
        self.ex.shutdown(wait=False, cancel_futures=True)


class Loky(Peer):
    name = "loky"

    def __init__(self, n):
        from joblib.externals import loky
        self.ex = loky.ProcessPoolExecutor(max_workers=n)

    def submit(self, fn, arg):
        return self.ex.submit(fn, arg)

    def shutdown(self):
        self.ex.shutdown(wait=False, kill_workers=True)


class Pebble(Peer):
    name = "pebble"

    def __init__(self, n):
        import pebble
        self.pool = pebble.ProcessPool(max_workers=n)

    def submit(self, fn, arg):
        return self.pool.schedule(fn, args=(arg,))

    def shutdown(self):
        self.pool.stop()
        self.pool.join(10)


PEERS = [MpPool, Cf, Loky, Pebble]


# ------------------------------------------------------------------ processes

def descendants():
    """Pids of the live (not zombie) processes below this one, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2:].split()
        state, ppid = rest[0], int(rest[1])
        children.setdefault(ppid, []).append((int(entry), state))
    out, todo = set(), [os.getpid()]
    while todo:
        for pid, state in children.get(todo.pop(), []):
            if state != "Z":
                out.add(pid)
            todo.append(pid)
    return out


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
        return stat[stat.rfind(")") + 2] != "Z"
    except OSError:
        return False


def reap():
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def cleanup(peer, before, x_pid=None):
    """Shuts the pool down (in a thread, with a time limit), gives its processes 3 s to exit, and
    kills those still alive. Returns notes on what that took."""
    notes = []
    t = threading.Thread(target=peer.shutdown, daemon=True)
    started = time.time()
    t.start()
    t.join(5)
    if t.is_alive():
        notes.append("shutdown had not returned after 5 s")

    def ours():
        return [p for p in descendants() - before if "resource_tracker" not in cmdline(p)]

    wait_for(lambda: not ours(), 3)
    killed = set()
    for _ in range(20):
        extra = ours()
        for p in extra:
            try:
                os.kill(p, signal.SIGKILL)
                killed.add(p)
            except OSError:
                pass
        t.join(0.5)
        reap()
        if not t.is_alive() and not extra:
            break
    if t.is_alive():
        notes.append("shutdown never returned")
    elif time.time() - started > 2:
        notes.append("shutdown took %.1fs" % (time.time() - started))
    if killed:
        notes.append("killed %d process%s still alive 3 s after shutdown%s" % (
            len(killed), "" if len(killed) == 1 else "es", ", X's among them" if x_pid in killed else ""))
    return notes


# ------------------------------------------------------------------ scenarios

def wait_for(cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def lines(path):
    try:
        with open(path) as f:
            return [l.split() for l in f if l.strip()]
    except OSError:
        return []


def short(e):
    s = "%s: %s" % (type(e).__name__, e)
    return s.replace("\n", " ")[:80]


def line(peer, scenario, cancel="-", ran="-", ticks="-", nxt="-", pool="-", pid="-", note=()):
    print("peer=%-20s scenario=%-12s cancel=%-6s ran=%-3s ticks=%-12s next=%-9s pool=%-5s pid=%-4s note=%s"
          % (peer, scenario, cancel, ran, ticks, nxt, pool, pid, "; ".join(note) or "-"), flush=True)


def start(cls):
    """Creates a pool of 2 and has both workers answer once."""
    peer = cls(2)
    hs = [peer.submit(pid_task, None) for _ in range(2)]
    for h in hs:
        peer.result(h, START_WAIT)
    return peer


def probe(peer):
    try:
        peer.result(peer.submit(pid_task, None), PROBE_WAIT)
        return "ok"
    except TimeoutError:
        return "stuck"
    except Exception:  # noqa: BLE001 - reported as is
        return "error"


def queued(cls, work):
    before = descendants()
    marker = os.path.join(work, "release")
    qfile = os.path.join(work, "q")
    note = []
    ret = ran = pool = "-"
    peer = start(cls)
    try:
        starts = [os.path.join(work, "start%d" % i) for i in range(2)]
        bs = [peer.submit(blocker, (s, marker)) for s in starts]
        if not wait_for(lambda: all(os.path.exists(s) for s in starts), START_WAIT):
            note.append("blockers did not both start")
        q = peer.submit(appender, qfile)
        time.sleep(SETTLE)
        ret = peer.cancel(q)
        state_after = peer.state(q)
        open(marker, "w").close()
        for b in bs:
            try:
                peer.result(b, PROBE_WAIT)
            except Exception as e:  # noqa: BLE001
                note.append("blocker: " + short(e))
        pool = probe(peer)
        time.sleep(0.5)
        ran = "yes" if os.path.exists(qfile) else "no"
        if ran == "yes":
            q_pid = int(lines(qfile)[0][1])
            note.append("Q's process %s" % ("alive" if alive(q_pid) else "gone"))
        note.append("Q's future " + state_after + " after cancel, " + peer.state(q) + " at the end")
    finally:
        open(marker, "a").close()
        note += cleanup(peer, before)
    line(cls.name, "queued", cancel=ret, ran=ran, pool=pool, note=note)


def running(cls, work, fn, scenario):
    before = descendants()
    marker = os.path.join(work, "release")
    tfile = os.path.join(work, "ticks")
    note = []
    ret = tick = nxt = pool = pid = "-"
    x_pid = None
    peer = start(cls)
    try:
        bstart = os.path.join(work, "bstart")
        b = peer.submit(blocker, (bstart, marker))
        if not wait_for(lambda: os.path.exists(bstart), START_WAIT):
            note.append("blocker did not start")
        x = peer.submit(fn, tfile)
        if not wait_for(lambda: lines(tfile), START_WAIT):
            note.append("X never ticked")
        x_pid = int(lines(tfile)[0][1]) if lines(tfile) else None
        f = peer.submit(pid_task, None)
        time.sleep(SETTLE)
        t_cancel = time.time()
        ret = peer.cancel(x)
        state_after = peer.state(x)
        f_pid = None
        try:
            f_pid = peer.result(f, NEXT_WAIT)
            nxt = "+%.2fs" % (time.time() - t_cancel)
        except TimeoutError:
            nxt = "none@%.0fs" % NEXT_WAIT
        except Exception as e:  # noqa: BLE001
            nxt = "failed"
            note.append("F: " + short(e))
        wait_for(lambda: False, t_cancel + TICK_WINDOW - time.time())
        now = time.time()
        ticks = lines(tfile)
        last = float(ticks[-1][2]) if ticks else t_cancel
        if now - last < 0.5:
            tick = "on@+%.1fs" % (now - t_cancel)
        else:
            tick = "stop%+.2fs" % (last - t_cancel)
        pid = "-" if f_pid is None or x_pid is None else ("same" if f_pid == x_pid else "new")
        note.append("X's future %s after cancel" % state_after)
        if x_pid is not None:
            note.append("X's process %s" % ("alive" if alive(x_pid) else "gone"))
        open(marker, "w").close()
        pool = probe(peer)
    finally:
        open(marker, "a").close()
        note += cleanup(peer, before, x_pid)
    line(cls.name, scenario, cancel=ret, ticks=tick, nxt=nxt, pool=pool, pid=pid, note=note)


SCENARIOS = [
    ("queued", queued),
    ("cooperative", lambda cls, work: running(cls, work, cooperative, "cooperative")),
    ("ignores-intr", lambda cls, work: running(cls, work, busy, "ignores-intr")),
]


def main():
    only = None
    for a in sys.argv[1:]:
        if a.startswith("--only="):
            only = set(a[len("--only="):].split(","))
    print("# %s, Python %s, start method %s, %d cores, load average %.2f" % (
        time.strftime("%Y-%m-%d %H:%M:%S"), sys.version.split()[0], multiprocessing.get_start_method(),
        os.cpu_count(), os.getloadavg()[0]), flush=True)
    versions = []
    try:
        import joblib
        from joblib.externals import loky
        versions.append("joblib %s (loky %s)" % (joblib.__version__, loky.__version__))
    except ImportError as e:
        versions.append("no loky: %s" % e)
    try:
        import pebble
        versions.append("pebble %s" % pebble.__version__)
    except ImportError as e:
        versions.append("no pebble: %s" % e)
    print("# " + ", ".join(versions), flush=True)
    for cls in PEERS:
        if only and cls.name not in only:
            continue
        for name, scenario in SCENARIOS:
            sys.stderr.write("[cancel_peers] %s %s\n" % (cls.name, name))
            with tempfile.TemporaryDirectory(prefix="cancel-peers-") as work:
                try:
                    scenario(cls, work)
                except Exception as e:  # noqa: BLE001 - one peer's failure must not stop the others
                    line(cls.name, name, note=["scenario failed: " + short(e)])
    left = {p: cmdline(p) for p in descendants()}
    for p in left:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    reap()
    if left:
        print("# at the end, killed what was left below this process: %s"
              % ", ".join("%d %s" % (p, c[:70].strip() or "?") for p, c in left.items()), flush=True)


if __name__ == "__main__":
    main()
