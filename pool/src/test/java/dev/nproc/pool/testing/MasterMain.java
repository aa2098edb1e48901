package dev.nproc.pool.testing;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A master program run in a JVM of its own by tests that must kill the master or start it with
 * other flags or another JDK. Modes: {@code hold} starts two workers, prints their pids and waits
 * forever; {@code run [javaHome]} runs a task and prints what it saw; {@code create} tries to
 * create a pool and prints the error; {@code fail} runs a task that throws with the default error
 * log and one that exits its worker, prints what it got, and waits (at most 20 s) until the
 * error line has reached its standard error before it exits (the log comes on a callback thread).
 */
public final class MasterMain {
  private MasterMain() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "hold" -> {
        Pool pool = Pool.create(2, PoolOptions.builder().name("held").build());
        Workers.workerPids(); // warm up ProcessHandle
        System.out.println("WORKERS " + Workers.workerPids().stream().map(String::valueOf)
            .collect(Collectors.joining(" ")));
        System.out.flush();
        pool.whenClosed().join(); // never: the test kills this JVM
      }
      case "run" -> {
        PoolOptions.Builder options = PoolOptions.builder().name("run");
        if (args.length > 1) {
          options.javaHome(Path.of(args[1]));
        }
        try (Pool pool = Pool.create(1, options.build())) {
          String seen = pool.<Integer, String>call(x -> System.getProperty("java.version") + " " + (x * 2), 21).join();
          System.out.println("RESULT " + Runtime.version().feature() + " " + seen);
        }
      }
      case "create" -> {
        try {
          Pool.create(1).close();
          System.out.println("CREATED");
        } catch (IllegalStateException e) {
          System.out.println(e.getMessage());
        }
      }
      case "fail" -> {
        PrintStream realErr = System.err;
        CountDownLatch logged = new CountDownLatch(1);
        System.setErr(new PrintStream(new OutputStream() {
          private final StringBuilder line = new StringBuilder();

          @Override
          public synchronized void write(int b) {
            realErr.write(b);
            if (b == '\n') {
              if (line.indexOf("task failed here") >= 0) {
                logged.countDown();
              }
              line.setLength(0);
            } else {
              line.append((char) b);
            }
          }

          @Override
          public void flush() {
            realErr.flush();
          }
        }, true));
        try (Pool pool = Pool.create(1, PoolOptions.builder().name("fail").build())) {
          Optional<Integer> empty = pool.<Integer, Integer>submit(x -> {
            throw new IllegalStateException("task failed here, with " + x);
          }, 7).join();
          System.out.println("EMPTY " + empty.isEmpty());
          try {
            pool.<Integer, Integer>call(x -> {
              System.exit(42);
              return x;
            }, 1).join();
          } catch (CompletionException e) {
            System.out.println("DIED " + e.getCause().getMessage().replace('\n', '|'));
          }
        }
        System.out.println("LOGGED " + logged.await(20, TimeUnit.SECONDS));
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
