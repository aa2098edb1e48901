package dev.nproc.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.core.Codec;
import dev.nproc.core.SerializableFunction;
import dev.nproc.core.internal.wire.FunctionCache;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionRegistryTest {
  private final FunctionRegistry registry = new FunctionRegistry(Codec.fst());

  enum Mode { UP }

  @Test
  void encode_lambdaWithImmutableCaptures_encodedOnceForThatObject() {
    int n = 3;
    String s = "x";
    Mode m = Mode.UP;
    SerializableFunction<Integer, String> f = x -> s + (x + n) + m;
    FunctionRegistry.Encoded first = registry.encode(f);
    assertThat(registry.encode(f)).isSameAs(first);
    SerializableFunction<Integer, Integer> none = x -> x;
    assertThat(registry.encode(none)).isSameAs(registry.encode(none));
  }

  @Test
  void encode_lambdaWithMutableCapture_reencodedAndSeesTheChange() {
    int[] box = {1};
    SerializableFunction<Integer, Integer> f = x -> x + box[0];
    FunctionRegistry.Encoded first = registry.encode(f);
    FunctionRegistry.Encoded again = registry.encode(f);
    assertThat(again).isNotSameAs(first);
    assertThat(again.id()).isEqualTo(first.id()); // same bytes, same id
    box[0] = 2;
    FunctionRegistry.Encoded changed = registry.encode(f);
    assertThat(changed.bytes()).isNotEqualTo(first.bytes());
    assertThat(changed.id()).isNotEqualTo(first.id());
  }

  private static SerializableFunction<Integer, Integer> adder(List<String> words) {
    return x -> x + words.size();
  }

  @Test
  void encode_twoEqualFunctionsFromDifferentObjects_shareAnId() {
    SerializableFunction<Integer, Integer> f = adder(List.of("same"));
    SerializableFunction<Integer, Integer> g = adder(List.of("same"));
    assertThat(f).isNotSameAs(g);
    assertThat(registry.encode(f).id()).isEqualTo(registry.encode(g).id()).isNotEqualTo(FunctionCache.UNCACHED);
    assertThat(registry.encode(adder(List.of("other"))).id()).isNotEqualTo(registry.encode(f).id());
  }

  @Test
  void encode_largeFunction_neverCached() {
    byte[] big = new byte[FunctionRegistry.MAX_CACHED_SIZE + 1];
    SerializableFunction<Integer, Integer> f = x -> x + big.length;
    assertThat(registry.encode(f).id()).isEqualTo(FunctionCache.UNCACHED);
  }

  /** A function wrapping another, as the stream module's chunk function wraps the user's. */
  static final class Wrapper implements SerializableFunction<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    private final SerializableFunction<Integer, Integer> inner;

    Wrapper(SerializableFunction<Integer, Integer> inner) {
      this.inner = inner;
    }

    @Override
    public Integer apply(Integer x) throws Exception {
      return inner.apply(x);
    }
  }

  @Test
  void encode_wrapperAroundFrozenLambda_encodedOnceForThatObject() {
    int n = 3;
    Wrapper w = new Wrapper(x -> x + n);
    FunctionRegistry.Encoded first = registry.encode(w);
    assertThat(registry.encode(w)).isSameAs(first);
    SerializableFunction<Integer, Integer> other = x -> x;
    registry.encode(other); // another function in between
    assertThat(registry.encode(w)).isSameAs(first);
    assertThat(registry.encode(new Wrapper(new Wrapper(x -> x)))).isNotNull();
  }

  @Test
  void encode_wrapperAroundMutableCapture_reencodedAndSeesTheChange() {
    int[] box = {1};
    Wrapper w = new Wrapper(x -> x + box[0]);
    FunctionRegistry.Encoded first = registry.encode(w);
    assertThat(registry.encode(w)).isNotSameAs(first);
    box[0] = 2;
    assertThat(registry.encode(w).id()).isNotEqualTo(first.id());
  }

  @Test
  void isFrozen_deepOrMutableValues_judgedByWhatTheFieldsHold() {
    SerializableFunction<Integer, Integer> leaf = x -> x;
    assertThat(FunctionRegistry.isFrozen(new Wrapper(leaf), 4)).isTrue();
    Wrapper deep = new Wrapper(new Wrapper(new Wrapper(new Wrapper(new Wrapper(leaf)))));
    assertThat(FunctionRegistry.isFrozen(deep, 4)).isFalse(); // deeper than followed: encoded every time
    List<String> mutable = new java.util.ArrayList<>(List.of("a"));
    assertThat(FunctionRegistry.isFrozen(adder(mutable), 4)).isFalse();
    assertThat(FunctionRegistry.isFrozen(new Wrapper(null), 4)).isTrue();
  }
}
