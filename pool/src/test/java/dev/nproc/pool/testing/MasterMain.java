package dev.nproc.pool.testing;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * A master program run in a JVM of its own by tests that must kill the master or start it with
 * other flags or another JDK. Modes: {@code hold} starts two workers, prints their pids and waits
 * forever; {@code run [javaHome]} runs a task and prints what it saw; {@code create} tries to
 * create a pool and prints the error.
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
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
