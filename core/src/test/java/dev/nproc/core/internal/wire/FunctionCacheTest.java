package dev.nproc.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FunctionCacheTest {
  @Test
  void store_overTheByteBound_evictsLeastRecentlyUsedButKeepsTheNewest() {
    FunctionCache<String> cache = new FunctionCache<>();
    long third = FunctionCache.MAX_BYTES / 3;
    cache.store(1, "a", third);
    cache.store(2, "b", third);
    cache.lookUp(1); // 1 is now more recent than 2
    cache.store(3, "c", third + 2);
    assertThat(cache.lookUp(2)).isNull();
    assertThat(cache.lookUp(1)).isEqualTo("a");
    assertThat(cache.lookUp(3)).isEqualTo("c");
    cache.store(4, "huge", FunctionCache.MAX_BYTES * 2);
    assertThat(cache.lookUp(4)).isEqualTo("huge");
    assertThat(cache.lookUp(1)).isNull();
    assertThat(cache.bytes()).isEqualTo(FunctionCache.MAX_BYTES * 2);
  }

  @Test
  void store_overTheCount_evictsTheEldest() {
    FunctionCache<Integer> cache = new FunctionCache<>();
    for (int i = 1; i <= FunctionCache.CAPACITY + 1; i++) {
      cache.store(i, i, 10);
    }
    assertThat(cache.lookUp(1)).isNull();
    assertThat(cache.lookUp(2)).isEqualTo(2);
    assertThat(cache.bytes()).isEqualTo(10L * FunctionCache.CAPACITY);
    assertThat(cache.lookUp(FunctionCache.UNCACHED)).isNull();
  }
}
