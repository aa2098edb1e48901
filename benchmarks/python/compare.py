#!/usr/bin/env python3
"""The Python side of nproc's comparison harness: multiprocessing.Pool(2) on the same workloads,
and, for 1 MiB elements, pebble's and loky's process pools too when they are installed.

Run by dev.nproc.benchmarks.Compare as a subprocess; can be run alone too:

    python3 benchmarks/python/compare.py [--quick]

Prints one JSON object per line on stdout, one per workload:
    {"workload": "submit", "value": 31234.5, "unit": "tasks/s"}
Progress and errors go to stderr. Standard library only, apart from the optional pebble and loky rows.
"""
import json
import multiprocessing
import os
import statistics
import sys
import time

MIB = 1 << 20


def increment(x):
    return x + 1


def length(b):
    return len(b)


def getpid(_):
    return os.getpid()


def mandelbrot_band(job):
    """Sum of escape iteration counts over rows [band*rows, (band+1)*rows) of a width x height image."""
    band, rows, width, height, max_iter = job
    total = 0
    for y in range(band * rows, min(height, (band + 1) * rows)):
        ci = -1.5 + 3.0 * y / height
        for x in range(width):
            cr = -2.0 + 3.0 * x / width
            zr = zi = 0.0
            i = 0
            while i < max_iter and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                i += 1
            total += i
    return total


def emit(workload, value, unit, **extra):
    print(json.dumps(dict(workload=workload, value=value, unit=unit, **extra)), flush=True)


def timed_rounds(seconds, one_round):
    """Runs one_round() (which returns a count) until `seconds` have passed; returns count/s."""
    count = 0
    start = time.perf_counter()
    while True:
        count += one_round()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def bench_submit(pool, seconds):
    def one_round(n=2000):
        results = [pool.apply_async(increment, (i,)) for i in range(n)]
        for r in results:
            r.get()
        return n
    timed_rounds(seconds / 3, one_round)  # warm-up
    return timed_rounds(seconds, one_round)


def bench_iterate(pool, chunksize, seconds):
    n = 2000 if chunksize == 1 else 200_000

    def one_round():
        s = 0
        for v in pool.imap_unordered(increment, range(n), chunksize):
            s += v
        return n
    timed_rounds(seconds / 3, one_round)
    return timed_rounds(seconds, one_round)


def bench_payload(pool, seconds):
    payload = os.urandom(MIB)

    def one_round(n=16):
        results = [pool.apply_async(length, (payload,)) for _ in range(n)]
        for r in results:
            r.get()
        return n
    timed_rounds(seconds / 3, one_round)
    return timed_rounds(seconds, one_round)  # tasks/s == MiB/s


ELEMENTS_PER_ROUND = 64


def bench_iterate_mib(pool, seconds):
    """1 MiB bytes elements through imap_unordered at chunksize 1: MiB/s."""
    payload = os.urandom(MIB)

    def one_round():
        s = 0
        for v in pool.imap_unordered(length, (payload for _ in range(ELEMENTS_PER_ROUND)), 1):
            s += v
        return ELEMENTS_PER_ROUND
    timed_rounds(seconds / 3, one_round)
    return timed_rounds(seconds, one_round)


def bench_iterate_mib_pebble(seconds):
    """The same through pebble.ProcessPool(2).map at chunksize 1 (Debian: python3-pebble)."""
    import pebble
    payload = os.urandom(MIB)
    with pebble.ProcessPool(max_workers=2) as pool:
        def one_round():
            s = 0
            for v in pool.map(length, [payload] * ELEMENTS_PER_ROUND, chunksize=1).result():
                s += v
            return ELEMENTS_PER_ROUND
        timed_rounds(seconds / 3, one_round)
        return timed_rounds(seconds, one_round)


def bench_iterate_mib_loky(seconds):
    """The same through loky's reusable executor (joblib's backend) map at chunksize 1 (Debian: python3-joblib)."""
    from joblib.externals.loky import get_reusable_executor
    payload = os.urandom(MIB)
    executor = get_reusable_executor(max_workers=2)

    def one_round():
        s = 0
        for v in executor.map(length, [payload] * ELEMENTS_PER_ROUND, chunksize=1):
            s += v
        return ELEMENTS_PER_ROUND
    timed_rounds(seconds / 3, one_round)
    result = timed_rounds(seconds, one_round)
    executor.shutdown(wait=True)
    return result


def bench_round_trip(pool, seconds):
    for i in range(200):
        pool.apply(increment, (i,))
    samples = []
    end = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < end:
        t = time.perf_counter()
        pool.apply(increment, (i,))
        samples.append(time.perf_counter() - t)
        i += 1
    return statistics.median(samples) * 1e6


def bench_ready(repeats, ctx=multiprocessing):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        pool = ctx.Pool(2)
        pids = set()
        while len(pids) < 2:
            pids.update(pool.map(getpid, range(2), chunksize=1))
        times.append(time.perf_counter() - t)
        pool.terminate()
        pool.join()
    return statistics.median(times) * 1e3


def bench_ready_spawn(repeats):
    """Pool(2) with the spawn start method (a fresh interpreter per worker, as a JVM worker is)."""
    return bench_ready(repeats, multiprocessing.get_context("spawn"))


def bench_cold(kind, n=50_000):
    """A new Pool(2), created inside the timed interval, and its first n tasks (kind "submit") or
    elements at chunksize 1 (kind "iterate-1"); returns elements/s."""
    t = time.perf_counter()
    with multiprocessing.Pool(2) as pool:
        if kind == "submit":
            for start in range(0, n, 2000):
                results = [pool.apply_async(increment, (i,)) for i in range(start, min(n, start + 2000))]
                for r in results:
                    r.get()
        else:
            s = 0
            for v in pool.imap_unordered(increment, range(n), 1):
                s += v
        elapsed = time.perf_counter() - t
    return n / elapsed


def bench_speedup(pool, width, height, max_iter, rows=4):
    jobs = [(b, rows, width, height, max_iter) for b in range((height + rows - 1) // rows)]
    mandelbrot_band(jobs[len(jobs) // 2])  # warm caches, like the Java side warms its JIT
    t = time.perf_counter()
    serial = sum(mandelbrot_band(j) for j in jobs)
    serial_s = time.perf_counter() - t
    t = time.perf_counter()
    parallel = sum(pool.imap_unordered(mandelbrot_band, jobs, 1))
    parallel_s = time.perf_counter() - t
    if serial != parallel:
        raise AssertionError(f"results differ: {serial} != {parallel}")
    return serial_s / parallel_s, serial_s, parallel_s


def main():
    quick = "--quick" in sys.argv
    seconds = 0.5 if quick else 2.0
    ctx = multiprocessing.get_start_method()
    emit("info", sys.version.split()[0], "version", start_method=ctx, cpus=os.cpu_count())
    steps = [
        ("submit", "tasks/s", lambda p: bench_submit(p, seconds)),
        ("iterate-1", "elements/s", lambda p: bench_iterate(p, 1, seconds)),
        ("iterate-100", "elements/s", lambda p: bench_iterate(p, 100, seconds)),
        ("payload", "MiB/s", lambda p: bench_payload(p, seconds)),
        ("iterate-1mib", "MiB/s", lambda p: bench_iterate_mib(p, seconds)),
        ("round-trip", "us", lambda p: bench_round_trip(p, seconds)),
    ]
    with multiprocessing.Pool(2) as pool:
        for name, unit, fn in steps:
            print(f"python: {name}", file=sys.stderr, flush=True)
            try:
                emit(name, fn(pool), unit)
            except Exception as e:  # report and go on with the next workload
                emit(name, None, unit, error=repr(e))
        print("python: cpu-speedup", file=sys.stderr, flush=True)
        try:
            speedup, serial_s, parallel_s = bench_speedup(pool, 200, 160, 200) if quick else bench_speedup(pool, 320, 320, 400)
            emit("cpu-speedup", speedup, "x", serial_s=serial_s, parallel_s=parallel_s)
        except Exception as e:
            emit("cpu-speedup", None, "x", error=repr(e))
    for name, fn in (("iterate-1mib-pebble", bench_iterate_mib_pebble), ("iterate-1mib-loky", bench_iterate_mib_loky)):
        print(f"python: {name}", file=sys.stderr, flush=True)
        try:
            emit(name, fn(seconds), "MiB/s")
        except Exception as e:  # not installed, or failed: the row says so
            emit(name, None, "MiB/s", error=repr(e))
    print("python: ready", file=sys.stderr, flush=True)
    try:
        emit("ready", bench_ready(3 if quick else 5), "ms")
    except Exception as e:
        emit("ready", None, "ms", error=repr(e))
    print("python: ready, spawn", file=sys.stderr, flush=True)
    try:
        emit("ready-spawn", bench_ready_spawn(3 if quick else 5), "ms")
    except Exception as e:
        emit("ready-spawn", None, "ms", error=repr(e))
    for kind in ("submit", "iterate-1"):
        print(f"python: {kind}, new pool's first 50,000", file=sys.stderr, flush=True)
        try:
            emit(kind + "-cold", bench_cold(kind), "elements/s")
        except Exception as e:
            emit(kind + "-cold", None, "elements/s", error=repr(e))


if __name__ == "__main__":
    main()
