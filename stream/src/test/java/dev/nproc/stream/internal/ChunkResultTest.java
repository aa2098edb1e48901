package dev.nproc.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.core.Codec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form of a chunk's outcome, through the real codec. */
class ChunkResultTest {
  private final Codec codec = Codec.fst();

  private Object overTheWire(Object wire) {
    byte[] bytes = codec.encode(wire);
    return codec.decode(bytes, 0, bytes.length);
  }

  @Test
  void run_noElementFails_sendsThePlainListWithoutFst() {
    Object wire = ChunkRunner.run(List.of(1, 2, 3), x -> x + 1);
    assertThat(wire).isExactlyInstanceOf(ArrayList.class);
    assertThat(codec.encode(wire)[0]).isNotEqualTo((byte) 0); // not the FST tag

    ChunkResult back = ChunkResult.read(overTheWire(wire));
    assertThat(back.size()).isEqualTo(3);
    assertThat(back.anyFailed()).isFalse();
    assertThat(List.of(back.value(0), back.value(1), back.value(2))).containsExactly(2, 3, 4);
    assertThat(back.error(1)).isNull();
  }

  @Test
  void run_someElementsFailOrAreNull_failuresTravelWithTheirValues() {
    Object wire = ChunkRunner.run(List.of(1, 0, 5, -1), x -> {
      if (x == 0) {
        throw new ArithmeticException("zero");
      }
      return x < 0 ? new Object() : x < 2 ? null : "v" + x;
    });
    assertThat(wire).isExactlyInstanceOf(ChunkResult.class);

    ChunkResult back = ChunkResult.read(overTheWire(wire));
    assertThat(back.size()).isEqualTo(4);
    assertThat(back.anyFailed()).isTrue();
    assertThat(back.value(0)).isNull();
    assertThat(back.error(0)).isNull();
    assertThat(back.error(1)).contains("ArithmeticException: zero");
    assertThat(back.value(2)).isEqualTo("v5");
    assertThat(back.error(3)).contains("java.lang.Object").contains("is not serializable");
  }

  @Test
  void read_somethingElse_isNotAChunkResult() {
    assertThat(ChunkResult.read(null)).isNull();
    assertThat(ChunkResult.read("a string")).isNull();
    assertThat(ChunkResult.read(List.of(1, 2))).isNull(); // only an ArrayList is the wire form
  }
}
