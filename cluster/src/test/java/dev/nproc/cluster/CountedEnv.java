package dev.nproc.cluster;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/** An environment that counts, in each JVM, how often it was encoded and decoded there. */
final class CountedEnv implements Serializable {
  private static final long serialVersionUID = 1L;
  static final AtomicInteger ENCODED = new AtomicInteger();
  static final AtomicInteger DECODED = new AtomicInteger();

  final int offset;

  CountedEnv(int offset) {
    this.offset = offset;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    ENCODED.incrementAndGet();
    out.defaultWriteObject();
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    DECODED.incrementAndGet();
  }

  /** What a Full mode task saw: where it ran, how often its worker decoded the env, the service's answer. */
  record Seen(long workerPid, long nodePid, int decodedInWorker, int answer) implements Serializable {}
}
