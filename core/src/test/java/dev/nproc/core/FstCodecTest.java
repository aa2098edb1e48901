package dev.nproc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
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

  /** Round-trips a list and checks each element comes back equal and of the same class. */
  private ArrayList<Object> roundTripList(ArrayList<Object> list) {
    Object back = roundTrip(list);
    assertThat(back).isExactlyInstanceOf(ArrayList.class);
    @SuppressWarnings("unchecked")
    ArrayList<Object> out = (ArrayList<Object>) back;
    assertThat(out).hasSameSizeAs(list);
    for (int i = 0; i < list.size(); i++) {
      Object in = list.get(i);
      if (in == null) {
        assertThat(out.get(i)).as("element %d", i).isNull();
      } else {
        assertThat(out.get(i)).as("element %d", i).isExactlyInstanceOf(in.getClass()).isEqualTo(in);
      }
    }
    return out;
  }

  private static ArrayList<Object> listOf(Object... elements) {
    return new ArrayList<>(Arrays.asList(elements));
  }

  @Test
  void encode_emptyList_directAndEmptyArrayList() {
    byte[] bytes = codec.encode(new ArrayList<>());
    assertThat(bytes).hasSize(5);
    assertThat(bytes[0]).isNotEqualTo((byte) 0); // not FST
    assertThat(roundTripList(listOf())).isEmpty();
  }

  @Test
  void encode_mixedListWithNulls_roundTripsEachClass() {
    byte[] blob = {1, 2, 3};
    ArrayList<Object> list = listOf(null, 1, -2L, 3.5, true, false, "", "héllo", blob, new byte[0], null,
        Integer.MIN_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY);
    byte[] bytes = codec.encode(list);
    assertThat(bytes[0]).isNotEqualTo((byte) 0);
    ArrayList<Object> back = roundTripList(list);
    assertThat(back.get(8)).isNotSameAs(blob);
  }

  @Test
  void encode_listOfNullsOnly_roundTrips() {
    assertThat(roundTripList(listOf(null, null, null))).containsExactly(null, null, null);
  }

  @Test
  void encode_homogeneousNumberLists_compactAndExact() {
    ArrayList<Object> ints = new ArrayList<>();
    ArrayList<Object> longs = new ArrayList<>();
    ArrayList<Object> doubles = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ints.add(i * 7919 - 300_000);
      longs.add((long) i << 40);
      doubles.add(i / 3.0);
    }
    ints.add(Integer.MAX_VALUE);
    longs.add(Long.MIN_VALUE);
    doubles.add(-0.0);
    doubles.add(Double.longBitsToDouble(0x7ff8_0000_dead_beefL)); // a NaN with a payload

    assertThat(codec.encode(ints)).hasSize(5 + 4 * 101);
    assertThat(codec.encode(longs)).hasSize(5 + 8 * 101);
    assertThat(codec.encode(doubles)).hasSize(5 + 8 * 102);
    roundTripList(ints);
    roundTripList(longs);
    ArrayList<Object> back = roundTripList(doubles);
    assertThat(Double.doubleToRawLongBits((Double) back.get(100))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(Double.doubleToRawLongBits((Double) back.get(101))).isEqualTo(0x7ff8_0000_dead_beefL);
  }

  @Test
  void encode_numbersOfMixedClasses_keepTheirClasses() {
    roundTripList(listOf(1, 1L, 1.0, 2, 2L));
    roundTripList(listOf(1, 2, null, 4)); // a null breaks the compact form, not the result
  }

  @Test
  void encode_nonAsciiStrings_roundTripByteForByte() {
    ArrayList<Object> list = listOf("héllo wörld ☃", "日本語", "emoji \uD83D\uDE00 ok", "", "a\u0000b");
    ArrayList<Object> back = roundTripList(list);
    assertThat(((String) back.get(2)).getBytes(StandardCharsets.UTF_8))
        .isEqualTo("emoji \uD83D\uDE00 ok".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encode_listHoldingOtherTypes_goesToFstWhole() {
    ArrayList<Object> nested = listOf(1, listOf(2, 3), "x");
    byte[] bytes = codec.encode(nested);
    assertThat(bytes[0]).isEqualTo((byte) 0); // the FST tag
    ArrayList<Object> back = roundTripList(nested);
    assertThat(back.get(1)).isExactlyInstanceOf(ArrayList.class);

    ArrayList<Object> withRecord = listOf("a", new Point(1, 2, "p"));
    assertThat(codec.encode(withRecord)[0]).isEqualTo((byte) 0);
    roundTripList(withRecord);
  }

  @Test
  void encode_otherListClasses_keepTheirClassThroughFst() {
    LinkedList<Integer> linked = new LinkedList<>(List.of(1, 2, 3));
    assertThat(codec.encode(linked)[0]).isEqualTo((byte) 0);
    assertThat(roundTrip(linked)).isExactlyInstanceOf(LinkedList.class).containsExactly(1, 2, 3);
  }

  @Test
  void encode_sameByteArrayTwiceInAList_staysShared() {
    byte[] shared = {4, 5, 6};
    ArrayList<Object> list = listOf(shared, 7, shared);
    assertThat(codec.encode(list)[0]).isEqualTo((byte) 0);
    List<Object> back = roundTrip(list);
    assertThat(back.get(0)).isSameAs(back.get(2)).isEqualTo(shared);
  }

  @Test
  void encode_listWithUnserializableElement_failsNamingTheClassAsFstDoes() {
    ArrayList<Object> list = listOf(1, "two", new NotSerializable(), 4L);
    assertThatThrownBy(() -> codec.encode(list))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("cannot serialize java.util.ArrayList, which holds a " + NotSerializable.class.getName()
            + ": " + NotSerializable.class.getName() + " is not serializable")
        .satisfies(e -> assertThat(((CodecException) e).culprit()).isEqualTo(NotSerializable.class.getName()));
    LinkedList<Object> viaFst = new LinkedList<>(list);
    assertThatThrownBy(() -> codec.encode(viaFst))
        .satisfies(e -> assertThat(((CodecException) e).culprit()).isEqualTo(NotSerializable.class.getName()));
  }

  @Test
  void encode_hugeLists_roundTrip() {
    ArrayList<Object> ints = new ArrayList<>();
    ArrayList<Object> mixed = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) {
      ints.add(i);
      mixed.add(i % 3 == 0 ? "s" + i : i % 3 == 1 ? (Object) (long) i : null);
    }
    assertThat(codec.encode(ints)).hasSize(5 + 4_000_000);
    assertThat(roundTrip(ints)).isEqualTo(ints);
    assertThat(roundTripList(mixed)).hasSize(1_000_000);
  }

  @Test
  void decode_listSlice_readsOnlyThatRange() {
    ArrayList<Object> list = listOf("a", 1, null);
    byte[] value = codec.encode(list);
    byte[] padded = new byte[value.length + 8];
    Arrays.fill(padded, (byte) 9);
    System.arraycopy(value, 0, padded, 3, value.length);
    assertThat(codec.decode(padded, 3, value.length)).isEqualTo(list);
  }

  @Test
  void decode_corruptLists_failWithCodecException() {
    byte[] ints = codec.encode(listOf(1, 2, 3));
    byte[] mixed = codec.encode(listOf("abc", 2L, null));
    for (byte[] good : List.of(ints, mixed)) {
      for (int cut = 1; cut < good.length; cut++) {
        int length = cut;
        assertThatThrownBy(() -> codec.decode(good, 0, length)).as("cut at %d", cut)
            .isInstanceOf(CodecException.class);
      }
      byte[] longer = Arrays.copyOf(good, good.length + 1);
      assertThatThrownBy(() -> codec.decode(longer, 0, longer.length)).isInstanceOf(CodecException.class)
          .hasMessageContaining("left over");
    }
    byte[] negative = ints.clone();
    negative[1] = (byte) 0xff; // count < 0
    assertThatThrownBy(() -> codec.decode(negative, 0, negative.length)).isInstanceOf(CodecException.class);
    byte[] badElement = mixed.clone();
    badElement[5] = 42; // the first element's tag
    assertThatThrownBy(() -> codec.decode(badElement, 0, badElement.length)).isInstanceOf(CodecException.class)
        .hasMessageContaining("unknown tag 42");
  }
}
