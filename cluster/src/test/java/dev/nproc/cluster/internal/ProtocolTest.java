package dev.nproc.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import dev.nproc.pool.PoolOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolTest {
  @Test
  void mismatch_otherVersion_namesBothVersions() {
    assertThat(Protocol.mismatch("s", "s", Protocol.VERSION + 1)).contains("protocol version mismatch")
        .contains(Integer.toString(Protocol.VERSION + 1)).contains(Integer.toString(Protocol.VERSION));
  }

  @Test
  void mismatch_otherSecret_saysSoWithoutTheSecrets() {
    assertThat(Protocol.mismatch("right", "wrong", Protocol.VERSION)).contains("secret mismatch")
        .doesNotContain("right").doesNotContain("wrong");
    assertThat(Protocol.mismatch("right", "right", Protocol.VERSION)).isNull();
  }

  @Test
  void memberConfig_javaDeserialization_limitedToNprocMessages() throws Exception {
    NodeRuntime runtime = new NodeRuntime("s", 1, PoolOptions.defaults(), Files.createTempDirectory("nproc-cache"));
    try {
      Config config = HazelcastConfigs.member("c", "127.0.0.1", 5701, List.of(), Duration.ofSeconds(5), runtime);
      assertThat(config.getSerializationConfig().getJavaSerializationFilterConfig().getWhitelist().getPrefixes())
          .containsExactly("dev.nproc.cluster.internal.");
      assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
      assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    } finally {
      runtime.terminate();
    }
  }
}
