package dev.nproc.pool;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a worker's stderr (and its {@code System.out}, which a worker points at stderr) goes.
 * Whatever the choice, the pool keeps the last lines of each worker's output for failure reports.
 *
 * <p>Immutable and thread-safe.
 */
public final class WorkerOutput {
  /** Forward each line to the master's {@code System.err}, prefixed with {@code [name worker N] } (the default). */
  public static final WorkerOutput INHERIT = new WorkerOutput(null, false);
  /** Drop the output (its last lines are still kept for failure reports). */
  public static final WorkerOutput DISCARD = new WorkerOutput(null, true);

  private final Path directory;
  private final boolean discard;

  private WorkerOutput(Path directory, boolean discard) {
    this.directory = directory;
    this.discard = discard;
  }

  /**
   * Appends each worker's output to its own file in {@code directory}, named
   * {@code <name>-worker-<N>.log}; a respawned worker appends to its slot's file.
   *
   * @param directory an existing folder
   * @return the setting
   */
  public static WorkerOutput toFiles(Path directory) {
    return new WorkerOutput(Objects.requireNonNull(directory, "directory"), false);
  }

  /**
   * Returns the folder of per-worker files.
   *
   * @return the folder, or {@code null} unless made by {@link #toFiles}
   */
  public Path directory() {
    return directory;
  }

  /**
   * Tells whether output is dropped.
   *
   * @return {@code true} for {@link #DISCARD}
   */
  public boolean isDiscard() {
    return discard;
  }

  @Override
  public String toString() {
    return directory != null ? "toFiles(" + directory + ")" : discard ? "DISCARD" : "INHERIT";
  }
}
