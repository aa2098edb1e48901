package dev.nproc.pool.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Enlarges the kernel buffers of a worker's stdin and stdout pipes, on Linux, so that large
 * arguments and results cross in fewer, larger steps.
 *
 * <p>Why: a Linux pipe holds 64 KiB by default, so a 1 MiB argument crosses it in 16 rounds of
 * "the master fills it, sleeps; the worker drains it, sleeps", each a pair of context switches.
 * With 256 KiB pipes, 1 MiB elements through {@code IterStream.map} went about a quarter faster
 * on this project's 2-core machine (figures in {@code benchmarks/README.md}). Java has no call
 * for a pipe's size ({@code fcntl(F_SETPIPE_SZ)}), so this uses JNA, on the master's side only:
 * it opens the worker's ends through {@code /proc/<pid>/fd/0} and {@code /1} (another
 * descriptor of the same pipe) and sets the size there; the worker needs nothing.
 *
 * <p>Only where it helps: a worker's pipes are enlarged the first time a value larger than a
 * default pipe (64 KiB) crosses them, either way ({@link Watch}). A pool of small tasks never
 * loads JNA, which costs a JVM's first pool about 0.1 s of CPU (0.3 s on JDK 25).
 *
 * <p>A good citizen: Linux counts pipe buffers per user, and once a user's pipes hold more than
 * {@code /proc/sys/fs/pipe-user-pages-soft} (64 MiB by default), that user's new pipes get one
 * page. So a pool enlarges only the pipes of its first {@link #MAX_WORKERS} workers (each
 * {@code 2 x 256 KiB}, 16 MiB for all of them, a quarter of the default), and only up to
 * {@code /proc/sys/fs/pipe-max-size}.
 *
 * <p>Best effort: on another system, without JNA, or when the kernel refuses, the pipes keep
 * their size and nothing else changes. On JDK 24 and later, loading JNA's native part prints the
 * JDK's warning about native code unless the master was started with
 * {@code --enable-native-access} for JNA's module (nproc's argfile has it, for the classpath);
 * without it the pipes keep their size, so that nproc never causes that warning.
 * {@code -Dnproc.pipeBuffer=0} turns this off; another value sets the bytes per pipe.
 *
 * <p>Thread-safe: {@link #enlarge} runs on a worker's sender or reader thread, whichever first
 * moves a large value; a {@link Watch} enlarges once, and the library is loaded once.
 */
final class PipeBuffers {
  /** The system property that sets the bytes per pipe; 0 leaves pipes as they are. */
  static final String SIZE_PROPERTY = "nproc.pipeBuffer";
  /** The default size of each pipe. */
  static final int DEFAULT_BYTES = 256 * 1024;
  /** A write or read of more than this many bytes at once is a large value crossing. */
  static final int LARGE = 64 * 1024;
  /** The workers of a pool whose pipes are enlarged: slots 0 to this minus one. */
  static final int MAX_WORKERS = 32;

  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_NONBLOCK = 0x800; // 04000 on Linux x86-64 and aarch64
  private static final int F_SETPIPE_SZ = 1031;
  private static final int F_GETPIPE_SZ = 1032;

  private PipeBuffers() {}

  /** The C library's calls this class needs, bound through JNA. */
  interface LibC extends Library {
    int open(String path, int flags);

    int fcntl(int fd, int cmd, int arg);

    int close(int fd);
  }

  /** The bytes each pipe gets, or 0 when this system cannot or should not. Computed once. */
  private static final class Settings {
    static final int BYTES = bytes();
    static final LibC LIBC = BYTES > 0 ? load() : null;

    private static int bytes() {
      if (!System.getProperty("os.name", "").equals("Linux")) {
        return 0;
      }
      try {
        int wanted = Integer.getInteger(SIZE_PROPERTY, DEFAULT_BYTES);
        // Files.readString reads one byte of this file: procfs says it is empty, so read it by lines.
        int max = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/fs/pipe-max-size")).get(0).trim());
        return Math.max(0, Math.min(wanted, max));
      } catch (Exception e) {
        return 0;
      }
    }

    private static LibC load() {
      try {
        if (Runtime.version().feature() >= 24 && !nativeAccessEnabled()) {
          return null;
        }
        return Native.load("c", LibC.class);
      } catch (Throwable e) { // no JNA, or its native part cannot load here: keep the default size
        return null;
      }
    }
  }

  /**
   * Watches one worker's two pipes and enlarges them the first time a large value crosses. The
   * streams it wraps pass every call straight on; a write or read of more than {@link #LARGE}
   * bytes at once (which the link's 64 KiB buffers only let through for a value that large)
   * triggers {@link #enlarge}, once.
   */
  static final class Watch {
    private final int slot;
    private final long pid;
    private final AtomicBoolean done = new AtomicBoolean();

    Watch(int slot, long pid) {
      this.slot = slot;
      this.pid = pid;
    }

    private void crossing(int len) {
      if (len > LARGE && !done.get() && done.compareAndSet(false, true)) {
        enlarge(slot, pid);
      }
    }

    OutputStream toWorker(OutputStream out) {
      return new FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          crossing(len);
          out.write(b, off, len);
        }
      };
    }

    InputStream fromWorker(InputStream in) {
      return new FilterInputStream(in) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          crossing(len);
          return in.read(b, off, len);
        }
      };
    }
  }

  /**
   * Tells whether JNA's module may load native code without a warning: {@code
   * Module.isNativeAccessEnabled()}, a JDK 22 method, called by reflection on the module of JNA's
   * {@code Native} class, which is looked up without being initialized (initializing it loads the
   * native part).
   */
  private static boolean nativeAccessEnabled() throws ReflectiveOperationException {
    Class<?> nativeClass = Class.forName("com.sun.jna.Native", false, PipeBuffers.class.getClassLoader());
    Module module = nativeClass.getModule();
    return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(module);
  }

  /**
   * Enlarges both pipes of a worker, if this system allows it.
   *
   * @param slot the worker's slot in its pool; only the first {@link #MAX_WORKERS} are enlarged
   * @param pid the worker's process id
   * @return the new size of its stdin pipe in bytes, or 0 if it was left as it was
   */
  static int enlarge(int slot, long pid) {
    if (slot >= MAX_WORKERS || Settings.BYTES <= 0 || Settings.LIBC == null) {
      return 0;
    }
    try {
      int stdin = resize(Settings.LIBC, pid, 0);
      resize(Settings.LIBC, pid, 1);
      return stdin;
    } catch (Throwable e) { // a worker already gone, a kernel that refuses: the pipes work as they are
      return 0;
    }
  }

  /**
   * Tells the size of one of a process's pipes (its stdin or stdout), for tests and checks.
   *
   * @param pid the process
   * @param fd 0 for its stdin, 1 for its stdout
   * @return the pipe's buffer size in bytes, or -1 where this class cannot tell
   */
  static int sizeOf(long pid, int fd) {
    LibC libc = Settings.LIBC;
    if (libc == null) {
      return -1;
    }
    int opened = open(libc, pid, fd);
    if (opened < 0) {
      return -1;
    }
    try {
      return libc.fcntl(opened, F_GETPIPE_SZ, 0);
    } finally {
      libc.close(opened);
    }
  }

  /**
   * Opens another descriptor of a process's stdin (0, the pipe's read end) or stdout (1, its write
   * end), without blocking; negative if it cannot.
   */
  private static int open(LibC libc, long pid, int stdio) {
    return libc.open("/proc/" + pid + "/fd/" + stdio, (stdio == 0 ? O_RDONLY : O_WRONLY) | O_NONBLOCK);
  }

  private static int resize(LibC libc, long pid, int stdio) {
    int fd = open(libc, pid, stdio);
    if (fd < 0) {
      return 0;
    }
    try {
      if (libc.fcntl(fd, F_GETPIPE_SZ, 0) >= Settings.BYTES) {
        return 0;
      }
      int size = libc.fcntl(fd, F_SETPIPE_SZ, Settings.BYTES);
      return Math.max(size, 0);
    } finally {
      libc.close(fd);
    }
  }
}
