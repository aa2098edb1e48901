package dev.nproc.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.core.TaskFailedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameTest {
  private static final int MAX = 1 << 20;

  private static byte[] frames(Message... messages) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter writer = new FrameWriter(out, MAX);
    for (Message m : messages) {
      writer.write(m);
    }
    writer.flush();
    return out.toByteArray();
  }

  private static FrameReader reader(byte[] bytes) {
    return new FrameReader(new ByteArrayInputStream(bytes), MAX);
  }

  @Test
  void write_everyMessageKind_readsBackEqual() throws IOException {
    List<Message> all = List.of(
        new Hello(1234, "17.0.15"),
        new Init(1, 2, new byte[] {1, 2}, new byte[] {3}),
        new Ready(99),
        new Task(7, 3, new byte[] {9, 9}, new byte[] {8}),
        new Task(8, 3, Message.NONE, new byte[] {}),
        new Result(7, new byte[] {5, 6, 7}),
        new Task(9, 3, Message.NONE, new byte[] {4, 2}, true),
        new Result(9, new byte[] {4, 2}, true),
        new Failure(7, TaskFailedException.Kind.TASK_THREW, "java.lang.Boom", null, "at x\nat y", new byte[] {1}),
        new ServiceRequest(7, 11, new byte[] {4}),
        new ServiceReply(11, Message.NONE, "serv failed"),
        new Shutdown(),
        new Revoke(5),
        new Revoked(5),
        new Cancel(6));
    assertThat(all.stream().map(Message::kind).distinct()).hasSize(MessageKind.values().length);
    FrameReader reader = reader(frames(all.toArray(new Message[0])));
    for (Message expected : all) {
      Message actual = reader.read();
      assertThat(actual).isInstanceOf(expected.getClass());
      assertThat(actual.toString()).isEqualTo(expected.toString());
      assertThat(actual).isEqualTo(expected);
    }
    assertThat(reader.read()).isNull();
  }

  @Test
  void toString_task_isYamlWithItsFields() {
    String yaml = new Task(42, 3, Message.NONE, new byte[] {1}).toString();
    assertThat(yaml).contains("taskId: 42").contains("functionId: 3");
  }

  @Test
  void read_bigPayload_roundTrips() throws IOException {
    byte[] big = new byte[MAX - 64];
    Arrays.fill(big, (byte) 3);
    Result back = (Result) reader(frames(new Result(1, big))).read();
    assertThat(back.value()).isEqualTo(big);
  }

  @Test
  void write_overMaxMessageSize_failsAndWritesNothing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter writer = new FrameWriter(out, 100);
    assertThatThrownBy(() -> writer.write(new Result(1, new byte[200])))
        .isInstanceOf(MessageTooLargeException.class)
        .hasMessageContaining("RESULT").hasMessageContaining("maxMessageSize (100 bytes)");
    assertThat(out.size()).isZero();
  }

  @Test
  void read_truncatedFrame_failsSayingTruncated() throws IOException {
    byte[] whole = frames(new Result(1, new byte[100]));
    for (int cut : new int[] {1, 3, FrameWriter.HEADER_SIZE, whole.length - 1}) {
      assertThatThrownBy(() -> reader(Arrays.copyOf(whole, cut)).read())
          .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated frame");
    }
  }

  @Test
  void read_garbage_failsShowingWhatWasRead() {
    byte[] garbage = "hello from println\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> reader(garbage).read())
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("corrupted stream").hasMessageContaining("\"hello f");
  }

  @Test
  void read_lengthOverLimit_fails() throws IOException {
    byte[] frame = frames(new Result(1, new byte[100]));
    assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(frame), 50).read())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("limit (maxMessageSize) is 50");
  }

  @Test
  void read_unknownKindOrBadBody_fails() throws IOException {
    byte[] frame = frames(new Ready(5));
    byte[] unknownKind = frame.clone();
    unknownKind[6] = 15;
    assertThatThrownBy(() -> reader(unknownKind).read()).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("unknown message kind 15");
    byte[] wrongKind = frame.clone();
    wrongKind[6] = MessageKind.TASK.code();
    assertThatThrownBy(() -> reader(wrongKind).read()).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("malformed TASK");
    byte[] lying = frames(new Task(1, 2, new byte[10], new byte[3]));
    lying[FrameWriter.HEADER_SIZE + 16] = 100; // the function's length field claims more than there is
    assertThatThrownBy(() -> reader(lying).read()).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("claims 100 bytes");
  }

  @Test
  void read_payloadLengthOutOfFrameOrOnAKindWithout_fails() throws IOException {
    byte[] frame = frames(new Result(1, new byte[10]));
    byte[] tooLong = frame.clone();
    tooLong[7] = 100; // the payload announced is longer than the whole frame
    assertThatThrownBy(() -> reader(tooLong).read()).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("RESULT frame of 19 bytes announces a payload of 100 bytes");
    byte[] ready = frames(new Ready(5));
    byte[] withPayload = Arrays.copyOf(ready, ready.length + 2);
    withPayload[2] += 2; // two more bytes in the frame...
    withPayload[7] = 2; // ...which are a payload, which READY does not carry
    assertThatThrownBy(() -> reader(withPayload).read()).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("READY carries no payload, but its frame has 2 bytes of one");
  }

  @Test
  void write_payloadGoesAfterTheBodyAndComesBackWhole() throws IOException {
    byte[] argument = new byte[300 << 10];
    new java.util.Random(7).nextBytes(argument);
    byte[] frame = frames(new Task(9, 4, new byte[] {1, 2}, argument));
    assertThat(Arrays.copyOfRange(frame, frame.length - argument.length, frame.length)).isEqualTo(argument);
    Task back = (Task) reader(frame).read();
    assertThat(back.taskId()).isEqualTo(9);
    assertThat(back.function()).containsExactly(1, 2);
    assertThat(back.argument()).isEqualTo(argument);
  }

  @Test
  void check_helloOfOtherVersionOrMagic_failsNamingIt() {
    new Hello(1, "17").check();
    assertThatThrownBy(() -> new Hello(Hello.MAGIC, 99, 1, "17").check())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("protocol version 99");
    assertThatThrownBy(() -> new Hello(0xdeadbeef, Hello.VERSION, 1, "17").check())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("bad magic number 0xdeadbeef");
  }
}
