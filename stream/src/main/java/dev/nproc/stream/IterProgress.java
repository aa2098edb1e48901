package dev.nproc.stream;

import java.time.Duration;

/**
 * A snapshot of an iteration's progress, handed to the callback set by
 * {@link IterOptions.Builder#progress}; enough to draw a progress bar or print a rate.
 *
 * <p>Immutable and thread-safe.
 *
 * @param done elements whose result has been handed over (to {@code g}, or to the stream's
 *     consumer), failed ones included
 * @param failed of those, elements whose result is empty because they failed
 * @param elapsed the time since the iteration started
 * @param ratePerSecond {@code done} divided by {@code elapsed}, in elements per second (0 at first)
 */
public record IterProgress(long done, long failed, Duration elapsed, double ratePerSecond) {}
