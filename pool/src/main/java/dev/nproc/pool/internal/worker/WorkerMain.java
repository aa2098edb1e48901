package dev.nproc.pool.internal.worker;

import dev.nproc.core.Codec;
import dev.nproc.core.internal.QuietLibraries;
import dev.nproc.core.internal.wire.Hello;
import dev.nproc.core.internal.wire.MasterBound;
import dev.nproc.core.internal.wire.StreamLink;
import dev.nproc.core.internal.wire.WorkerBound;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;

/**
 * The main class of a worker process: its bootstrap. The master starts it as
 * {@code java <flags> -cp <classpath> dev.nproc.pool.internal.worker.WorkerMain <codec class> <maxMessageSize>}.
 *
 * <p>It keeps the real stdout for frames and points {@code System.out} at stderr, so that no
 * {@code println} can corrupt the stream; starts the watch on the parent process; creates the
 * codec (SLF4J's reports and Chronicle's banner turned down first, see {@link QuietLibraries}); opens the {@link StreamLink} to the master over stdin and stdout; says HELLO; then hands
 * the main thread to the {@link WorkerLoop}.
 *
 * <p>The worker dies with its master: at the end of stdin it halts at once, and the watch on the
 * parent process halts it too.
 */
public final class WorkerMain {
  /** Exit code of a worker whose init hook failed. */
  public static final int EXIT_INIT_FAILED = 3;
  /** Exit code of a worker that saw its master go. */
  public static final int EXIT_MASTER_GONE = 4;
  /** Exit code of a worker that read something that is not the protocol. */
  public static final int EXIT_PROTOCOL_ERROR = 5;
  /** Exit code of a worker whose task thread met a failure it could not report. */
  public static final int EXIT_TASK_THREAD_DIED = 6;

  private WorkerMain() {}

  /**
   * Runs a worker.
   *
   * @param args the codec's class name and the largest message size
   */
  public static void main(String[] args) {
    FileOutputStream frames = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    QuietLibraries.inWorker(); // before SLF4J and Chronicle start
    watchParent();
    if (args.length != 2) {
      System.err.println("usage: WorkerMain <codec class> <maxMessageSize>; this class is started by an nproc pool");
      System.exit(2);
    }
    Codec codec;
    try {
      codec = (Codec) Class.forName(args[0]).getConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      System.err.println("nproc worker: cannot create codec " + args[0] + ": " + e);
      System.exit(2);
      return;
    }
    int max = Integer.parseInt(args[1]);
    warmUp(codec);
    StreamLink<MasterBound, WorkerBound> link = StreamLink.toMaster(new FileInputStream(FileDescriptor.in), frames,
        max, e -> {
          System.err.println("nproc worker: cannot write to the master: " + e);
          Runtime.getRuntime().halt(EXIT_MASTER_GONE);
        });
    long pid = ProcessHandle.current().pid();
    link.send(new Hello(pid, System.getProperty("java.version")));
    new WorkerLoop(codec, max, link, pid).run();
  }

  /**
   * FST's configuration (needed to decode the first task, or the init hook) and Chronicle's
   * first use (needed for HELLO) are the two slow steps of a worker's start-up: run them side by
   * side, so that the codec is ready by the time the first task arrives. The value must take the
   * codec's general path: null, numbers and strings have short cuts that skip FST.
   */
  private static void warmUp(Codec codec) {
    Thread warmUp = new Thread(() -> {
      try {
        byte[] bytes = codec.encode(new Object[] {1, "nproc"});
        codec.decode(bytes, 0, bytes.length);
      } catch (RuntimeException e) {
        // a broken codec is reported by the job that needs it
      }
    }, "nproc-worker-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
  }

  private static void watchParent() {
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
      System.err.println("nproc worker: the master process is gone; exiting");
      Runtime.getRuntime().halt(EXIT_MASTER_GONE);
    }));
  }
}
