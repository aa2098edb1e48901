package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.pool.PoolOptions;
import org.junit.jupiter.api.Test;

class IterOptionsTest {
  @Test
  void granularity_zeroOrNegative_rejectedNamingIt() {
    assertThatThrownBy(() -> IterOptions.builder().granularity(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("granularity").hasMessageContaining("0");
    assertThatThrownBy(() -> IterOptions.builder().granularity(-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("granularity");
  }

  @Test
  void builder_settingGivenTwice_rejected() {
    assertThatThrownBy(() -> IterOptions.builder().granularity(2).granularity(3))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("granularity is given twice");
    assertThatThrownBy(() -> IterOptions.builder().ordered(true).ordered(false))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ordered");
    assertThatThrownBy(() -> IterOptions.builder().progress(p -> { }).progress(p -> { }))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("progress");
  }

  @Test
  void windowBytes_outOfRangeOrTwice_rejectedNamingIt() {
    assertThatThrownBy(() -> IterOptions.builder().windowBytes(1023))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windowBytes").hasMessageContaining("1023");
    assertThatThrownBy(() -> IterOptions.builder().windowBytes(4096).windowBytes(8192))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("windowBytes is given twice");
    assertThat(IterOptions.builder().windowBytes(4096).build().windowBytes()).isEqualTo(4096);
    assertThat(IterOptions.defaults().windowBytes()).isEqualTo(IterOptions.defaultWindowBytes())
        .isBetween(4L << 20, 256L << 20);
  }

  @Test
  void build_initAndPoolOptionsWithInit_rejected() {
    PoolOptions withInit = PoolOptions.builder().init(w -> { }).build();
    assertThatThrownBy(() -> IterOptions.builder().init(w -> { }).poolOptions(withInit).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("init");
  }

  @Test
  void build_initAndPoolOptionsWithoutInit_accepted() {
    IterOptions o = IterOptions.builder().init(w -> { }).poolOptions(PoolOptions.builder().name("x").build()).build();
    assertThat(o.init()).isNotNull();
    assertThat(o.poolOptions().name()).isEqualTo("x");
  }

  @Test
  void defaults_granularityOneUnordered() {
    assertThat(IterOptions.defaults().granularity()).isEqualTo(1);
    assertThat(IterOptions.defaults().ordered()).isFalse();
  }
}
