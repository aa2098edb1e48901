package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.core.FullFunction;
import dev.nproc.core.ServiceException;
import dev.nproc.core.TaskFailedException;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The values people pass, through real workers, each as an argument, a result, part of the
 * environment, a service request and a service reply; and the JDK values that cannot travel,
 * refused with a message that says what to pass instead.
 */
class ValueTypesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A record without {@code Serializable}. */
  record Point(int x, String label, Instant when, Path where) {}

  enum Colour { RED, GREEN }

  private static final List<Object> VALUES = List.of(
      new Point(3, "p", Instant.ofEpochSecond(1_700_000_000L, 5), Path.of("/tmp/a b")),
      Colour.GREEN, 42, 7L, 2.5, 1.5f, (short) 3, (byte) 4, 'c', true, "text é",
      new int[] {1, 2, 3}, new String[] {"a", null}, new long[][] {{1}, {2, 3}},
      new ArrayList<>(List.of(1, "two")), new HashMap<>(Map.of("k", 1)), new TreeMap<>(Map.of("b", 2, "a", 1)),
      new LinkedHashMap<>(Map.of("x", List.of(1))), new HashSet<>(Set.of("s")),
      List.of(), List.of(1), List.of(1, 2, 3), Map.of(), Map.of("a", 1), Map.of("a", 1, "b", 2), Set.of(1, 2),
      Collections.unmodifiableList(new ArrayList<>(List.of(1))), Collections.unmodifiableMap(new HashMap<>(Map.of("a", 1))),
      Collections.unmodifiableSet(new HashSet<>(Set.of(1))), Arrays.asList(1, 2), Collections.emptyMap(),
      Optional.of("here"), Optional.empty(), OptionalInt.of(5),
      new BigInteger("123456789012345678901234567890"), new BigDecimal("-12.50"),
      UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), URI.create("https://example.com/a?b=c"),
      Instant.ofEpochSecond(1, 2), LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 1, 2, 3, 4, 5),
      LocalTime.of(13, 14), ZonedDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneId.of("Europe/Paris")),
      OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6, java.time.ZoneOffset.ofHours(2)), Duration.ofMillis(1500),
      Period.of(1, 2, 3), ZoneId.of("America/New_York"),
      Path.of("/var/tmp/x.txt"));

  private static FullPool<Object, Object, List<Object>> pool;

  @BeforeAll
  static void startPool() {
    pool = FullPool.create(1, q -> CompletableFuture.completedFuture(q), VALUES,
        PoolOptions.builder().name("values").build());
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  static Stream<Arguments> values() {
    List<Arguments> args = new ArrayList<>();
    for (int i = 0; i < VALUES.size(); i++) {
      Object v = VALUES.get(i);
      args.add(Arguments.of(i, v.getClass().getName(), v));
    }
    return args.stream();
  }

  private static void assertSame(Object back, Object sent) {
    assertThat(back).isNotNull();
    assertThat(back.getClass()).isEqualTo(sent.getClass());
    assertThat(Objects.deepEquals(back, sent)).as("%s equals %s", back, sent).isTrue();
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("values")
  void call_value_roundTripsAsArgumentResultEnvRequestAndReply(int index, String type, Object value) {
    // argument and result
    FullFunction<Object, Object, List<Object>, Object, Object> echo = (serv, env, x) -> x;
    assertSame(pool.call(echo, value).join(), value);
    // env: the worker sends back its own copy of the environment's element
    FullFunction<Object, Object, List<Object>, Integer, Object> fromEnv = (serv, env, i) -> env.get(i);
    assertSame(pool.call(fromEnv, index).join(), value);
    // service request (worker to master) and reply (master to worker)
    FullFunction<Object, Object, List<Object>, Object, Object> viaMaster = (serv, env, x) -> serv.request(x);
    assertSame(pool.call(viaMaster, value).join(), value);
  }

  @Test
  void path_travelsAsItsUri() {
    FullFunction<Object, Object, List<Object>, Path, String> uri = (serv, env, p) -> p.toUri().toString();
    assertThat(pool.call(uri, Path.of("/tmp/with space")).join()).isEqualTo("file:///tmp/with%20space");
  }

  private static void assertRefused(Object argument, String type, String advice) {
    FullFunction<Object, Object, List<Object>, Object, Object> echo = (serv, env, x) -> x;
    assertThatThrownBy(() -> pool.call(echo, argument))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(type).hasMessageContaining(advice)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContainIgnoringCase("add-opens")
            .doesNotContain("InaccessibleObjectException"));
  }

  @Test
  void call_jdkValuesThatCannotTravel_refusedAtSubmitSayingWhatToPass() {
    assertRefused(java.util.logging.Logger.getLogger("x"), "java.util.logging.Logger", "get one in the worker");
    assertRefused(new Thread(() -> { }), "java.lang.Thread", "create them in the worker");
    assertRefused(new ByteArrayInputStream(new byte[1]), "java.io.ByteArrayInputStream", "pass its data");
    assertRefused(new Object(), "java.lang.Object", "serializable type");
    assertRefused(List.of(1, 2, 3).subList(0, 2), "SubList", "pass a copy");
    assertRefused(new ArrayList<>(List.of(new Object())), "java.lang.Object", "serializable type");
  }

  @Test
  void call_lambdaCapturingALogger_refusedAtSubmitNamingIt() {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("captured");
    FullFunction<Object, Object, List<Object>, Integer, Integer> f = (serv, env, x) -> {
      log.fine("x");
      return x;
    };
    assertThatThrownBy(() -> pool.call(f, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("function").hasMessageContaining("java.util.logging.Logger")
        .hasMessageNotContaining("add-opens");
  }

  @Test
  void call_resultThatIsABareObject_failsResultNotSerializableNamingIt() {
    FullFunction<Object, Object, List<Object>, Integer, Object> f = (serv, env, x) -> new Object();
    assertThat(pool.call(f, 1)).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(TaskFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE);
          assertThat(e.getMessage()).contains("java.lang.Object");
        });
  }

  @Test
  void request_thatCannotTravel_failsInTheWorkerNamingIt() {
    FullFunction<Object, Object, List<Object>, Integer, String> f = (serv, env, x) -> {
      try {
        serv.request(new Object());
        return "sent";
      } catch (ServiceException | IllegalArgumentException e) {
        return e.getMessage();
      }
    };
    assertThat(pool.call(f, 1)).succeedsWithin(WAIT).asString().contains("java.lang.Object");
  }

  @Test
  void create_envThatCannotTravel_refusedNamingIt() {
    assertThatThrownBy(() -> FullPool.create(1, q -> CompletableFuture.completedFuture(q),
        List.of(java.util.logging.Logger.getLogger("env")), PoolOptions.builder().name("bad-env").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.util.logging.Logger")
        .hasMessageNotContaining("add-opens");
  }
}
