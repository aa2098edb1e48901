package dev.nproc.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.core.Codec;
import dev.nproc.core.SerializableFunction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionRegistryTest {
  private final List<String> warnings = new ArrayList<>();
  private final FunctionRegistry registry = new FunctionRegistry(Codec.fst(), 64L << 20, warnings::add);

  enum Mode { UP }

  @Test
  void encode_sameObject_encodedOnce() {
    int n = 3;
    String s = "x";
    Mode m = Mode.UP;
    SerializableFunction<Integer, String> f = x -> s + (x + n) + m;
    FunctionRegistry.Encoded first = registry.encode(f);
    SerializableFunction<Integer, Integer> none = x -> x;
    registry.encode(none); // another function in between
    assertThat(registry.encode(f)).isSameAs(first);
    assertThat(registry.encode(none)).isSameAs(registry.encode(none));
    assertThat(registry.encodings()).isEqualTo(2);
  }

  @Test
  void encode_sameObjectAfterItsCaptureChanged_keepsTheFirstSnapshot() {
    int[] box = {1};
    SerializableFunction<Integer, Integer> f = x -> x + box[0];
    FunctionRegistry.Encoded first = registry.encode(f);
    box[0] = 2;
    assertThat(registry.encode(f)).isSameAs(first);
    SerializableFunction<Integer, Integer> g = x -> x + box[0]; // a new object sees the change
    assertThat(registry.encode(g).bytes()).isNotEqualTo(first.bytes());
    assertThat(registry.encode(g).id()).isNotEqualTo(first.id());
  }

  private static SerializableFunction<Integer, Integer> adder(List<String> words) {
    return x -> x + words.size();
  }

  @Test
  void encode_twoEqualSmallFunctionsFromDifferentObjects_shareAnId() {
    SerializableFunction<Integer, Integer> f = adder(List.of("same"));
    SerializableFunction<Integer, Integer> g = adder(List.of("same"));
    assertThat(f).isNotSameAs(g);
    assertThat(registry.encode(f).id()).isEqualTo(registry.encode(g).id());
    assertThat(registry.encode(adder(List.of("other"))).id()).isNotEqualTo(registry.encode(f).id());
  }

  private static SerializableFunction<Integer, Integer> reading(byte[] table) {
    return x -> x + table[x];
  }

  @Test
  void encode_largeFunctionManyTimes_encodedOnceAndNoWarning() {
    byte[] big = new byte[16 << 20];
    SerializableFunction<Integer, Integer> f = reading(big);
    SerializableFunction<Integer, Integer> other = adder(List.of());
    FunctionRegistry.Encoded first = registry.encode(f);
    for (int i = 0; i < 100; i++) {
      registry.encode(i % 2 == 0 ? f : other); // the last-used shortcut missed half the time
      assertThat(registry.encode(f)).isSameAs(first);
    }
    assertThat(first.bytes().length).isGreaterThan(16 << 20);
    assertThat(registry.encodings()).isEqualTo(2);
    assertThat(warnings).isEmpty();
  }

  @Test
  void encode_newLargeObjectAtEachSubmit_ownIdsAndOneWarning() {
    byte[] big = new byte[FunctionRegistry.LARGE + 1];
    FunctionRegistry.Encoded first = registry.encode(reading(big));
    FunctionRegistry.Encoded second = registry.encode(reading(big));
    assertThat(second.id()).isNotEqualTo(first.id()); // large: no lookup by content
    for (int i = 0; i < 5; i++) {
      registry.encode(reading(big));
    }
    assertThat(registry.encodings()).isEqualTo(7);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("1.0 MiB").contains("env").contains("once per object");
  }

  @Test
  void encode_overTheByteBound_forgetsTheLeastRecentlyUsedButNotTheNewest() {
    FunctionRegistry small = new FunctionRegistry(Codec.fst(), 1024, warnings::add);
    SerializableFunction<Integer, Integer> f = reading(new byte[4096]);
    SerializableFunction<Integer, Integer> g = reading(new byte[4097]);
    FunctionRegistry.Encoded first = small.encode(f);
    small.encode(g);
    small.encode(g);
    assertThat(small.encodings()).isEqualTo(2); // g, the newest, is kept though over the bound
    assertThat(small.encode(f).bytes()).isEqualTo(first.bytes());
    assertThat(small.encodings()).isEqualTo(3); // f was forgotten
  }
}
