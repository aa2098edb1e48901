package dev.nproc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import dev.nproc.core.SerializableFunction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FstCodecTest {
  private final Codec codec = Codec.fst();

  record Point(int x, int y, String label) {
    Point {
      if (x < 0) {
        throw new IllegalArgumentException("x < 0");
      }
    }
  }

  record Nested(Point a, List<Point> more, Map<String, Point> byName) {}

  static class CustomException extends Exception {
    final int code;
    final List<String> details;

    CustomException(String message, int code, List<String> details) {
      super(message);
      this.code = code;
      this.details = details;
    }
  }

  static final class NotSerializable {
    final int value = 42;
  }

  @SuppressWarnings("unchecked")
  private <T> T roundTrip(T value) {
    byte[] bytes = codec.encode(value);
    return (T) codec.decode(bytes, 0, bytes.length);
  }

  @Test
  void encode_plainValues_roundTrip() {
    assertThat(roundTrip((Object) null)).isNull();
    assertThat(roundTrip(42)).isEqualTo(42);
    assertThat(roundTrip("héllo")).isEqualTo("héllo");
    assertThat(roundTrip(new ArrayList<>(List.of(1, 2, 3)))).containsExactly(1, 2, 3);
    byte[] big = new byte[1 << 20];
    big[12345] = 7;
    assertThat(roundTrip(big)).isEqualTo(big);
  }

  @Test
  void encode_directValues_roundTripWithTheirType() {
    for (Object v : new Object[] {null, 0, -7, Integer.MAX_VALUE, 5L, Long.MIN_VALUE, 2.5, Double.NaN, true, false,
        "", "héllo wörld ☃", new byte[0]}) {
      Object back = roundTrip(v);
      assertThat(back).isEqualTo(v);
      if (v != null) {
        assertThat(back).hasSameClassAs(v);
      }
    }
    assertThat(codec.encode(42)).hasSize(5);
  }

  @Test
  void decode_truncatedDirectValueOrUnknownTag_failsClearly() {
    byte[] good = codec.encode(123456789L);
    assertThatThrownBy(() -> codec.decode(good, 0, 4)).isInstanceOf(CodecException.class).hasMessageContaining("too short");
    byte[] unknown = {99, 1, 2};
    assertThatThrownBy(() -> codec.decode(unknown, 0, 3)).isInstanceOf(CodecException.class)
        .hasMessageContaining("unknown tag 99");
    assertThatThrownBy(() -> codec.decode(new byte[0], 0, 0)).isInstanceOf(CodecException.class);
  }

  @Test
  void encode_record_rebuiltThroughCanonicalConstructor() {
    Nested nested = new Nested(new Point(1, 2, "a"), List.of(new Point(3, 4, null)),
        Map.of("b", new Point(5, 6, "b")));
    assertThat(roundTrip(nested)).isEqualTo(nested);
  }

  @Test
  void encode_sharedRecordReference_staysShared() {
    Point p = new Point(1, 1, "shared");
    List<Point> twice = new ArrayList<>(List.of(p, p));
    List<Point> back = roundTrip(twice);
    assertThat(back.get(0)).isSameAs(back.get(1));
  }

  @Test
  void encode_exceptionWithCustomFields_keepsFieldsCauseAndStackTrace() {
    CustomException e = new CustomException("boom", 7, List.of("x", "y"));
    e.initCause(new IllegalStateException("root"));
    e.addSuppressed(new RuntimeException("suppressed"));
    CustomException back = roundTrip(e);
    assertThat(back).hasMessage("boom");
    assertThat(back.code).isEqualTo(7);
    assertThat(back.details).containsExactly("x", "y");
    assertThat(back.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("root");
    assertThat(back.getSuppressed()).hasSize(1);
    assertThat(back.getStackTrace()).isEqualTo(e.getStackTrace());
    back.addSuppressed(new RuntimeException("still works"));
  }

  @Test
  void encode_serializableLambdaWithCapture_appliesAfterDecode() throws Exception {
    int offset = 10;
    SerializableFunction<Integer, Integer> f = x -> x + offset;
    SerializableFunction<Integer, Integer> back = roundTrip(f);
    assertThat(back.apply(5)).isEqualTo(15);
  }

  @Test
  void encode_lambdaCapturingUnserializable_failsNamingTheClass() {
    NotSerializable captured = new NotSerializable();
    SerializableFunction<Integer, Integer> f = x -> x + captured.value;
    assertThatThrownBy(() -> codec.encode(f))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining(NotSerializable.class.getName())
        .satisfies(e -> assertThat(((CodecException) e).culprit()).isEqualTo(NotSerializable.class.getName()));
  }

  @Test
  void decode_unknownClass_failsNamingItWithoutPrintingToStdout() {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true));
    try {
      byte[] bytes = codec.encode(new Point(1, 2, "p"));
      String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
      int at = text.indexOf("$Point");
      assertThat(at).isPositive();
      bytes[at + 5] = 'X'; // the payload now names a class nobody has: FstCodecTest$PoinX
      byte[] unknownClass = bytes;
      assertThatThrownBy(() -> codec.decode(unknownClass, 0, unknownClass.length))
          .isInstanceOf(CodecException.class)
          .satisfies(e -> assertThat(((CodecException) e).culprit()).endsWith("FstCodecTest$PoinX"));
    } finally {
      System.setOut(saved);
    }
    assertThat(captured.toString()).isEmpty();
  }

  @Test
  void decode_slice_readsOnlyThatRange() {
    byte[] value = codec.encode("slice");
    byte[] padded = new byte[value.length + 8];
    System.arraycopy(value, 0, padded, 5, value.length);
    assertThat(codec.decode(padded, 5, value.length)).isEqualTo("slice");
  }
}
