package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.core.SerializableFunction;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A function that captures a large table, iterated at granularity 1: encoded once, sent to each worker once. */
class LargeFunctionTest {
  /**
   * Reads a 16 MB table. Counts its encodings in the master (its {@code writeObject}) and, in
   * each worker, the distinct decoded copies of itself that ran (a transient flag, false until
   * a copy first runs).
   */
  static final class TableFunction implements SerializableFunction<Integer, int[]> {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger ENCODINGS = new AtomicInteger();
    static final AtomicInteger COPIES = new AtomicInteger();
    private final byte[] table;
    private transient boolean counted;

    TableFunction(byte[] table) {
      this.table = table;
    }

    @Override
    public int[] apply(Integer x) {
      if (!counted) {
        counted = true;
        COPIES.incrementAndGet();
      }
      return new int[] {x, table[x * 4099 % table.length], COPIES.get()};
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      ENCODINGS.incrementAndGet();
      out.defaultWriteObject();
    }
  }

  @Test
  void iterStream_16MbCaptureGranularityOne_encodedOnceAndSentOncePerWorker() {
    byte[] table = new byte[16 << 20];
    for (int i = 0; i < table.length; i += 4099) {
      table[i] = (byte) (i / 4099);
    }
    List<String> log = new CopyOnWriteArrayList<>();
    List<int[]> results = new ArrayList<>();
    TableFunction.ENCODINGS.set(0);
    IterStream.iterStream(IterOptions.builder().granularity(1).errorLog(log::add).build(), 2,
        new TableFunction(table), r -> results.add(r.orElseThrow()), IntStream.range(0, 3000).boxed());

    assertThat(results).hasSize(3000);
    for (int[] r : results) {
      assertThat(r[1]).as("element %d", r[0]).isEqualTo(table[r[0] * 4099 % table.length]);
      assertThat(r[2]).as("decoded copies in its worker").isEqualTo(1);
    }
    assertThat(TableFunction.ENCODINGS).hasValue(1);
    assertThat(log).isEmpty();
  }
}
