package dev.nproc.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.core.TaskFailedException.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureKindCodesTest {
  private static final int MAX = 1 << 20;

  private static byte[] frame(Message message) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter writer = new FrameWriter(out, MAX);
    writer.write(message);
    writer.flush();
    return out.toByteArray();
  }

  private static Message read(byte[] frame) throws IOException {
    return new FrameReader(new ByteArrayInputStream(frame), MAX).read();
  }

  @Test
  void write_everyKind_readsBackTheSameKind() throws IOException {
    for (Kind kind : Kind.values()) {
      Failure sent = new Failure(7, kind, "java.lang.Boom", "m", "at x", new byte[] {1});
      Failure back = (Failure) read(frame(sent));
      assertThat(back.failureKind()).as("kind %s", kind).isEqualTo(kind);
      assertThat(back).isEqualTo(sent);
    }
  }

  @Test
  void code_everyKind_isDistinctAndMapsBack() {
    assertThat(Arrays.stream(Kind.values()).map(FailureKindCodes::code).distinct()).hasSize(Kind.values().length);
    for (Kind kind : Kind.values()) {
      assertThat(FailureKindCodes.kind(FailureKindCodes.code(kind))).isEqualTo(kind);
    }
  }

  @Test
  void code_existingKinds_keepTheBytesTheyHadOnTheWire() {
    Map<Kind, Integer> wire = Map.of(Kind.TASK_THREW, 0, Kind.RESULT_NOT_SERIALIZABLE, 1, Kind.WORKER_DIED, 2,
        Kind.TIMED_OUT, 3, Kind.NOT_RUN, 4, Kind.NODE_LOST, 5);
    wire.forEach((kind, code) -> assertThat((int) FailureKindCodes.code(kind)).as("code of %s", kind).isEqualTo(code));
  }

  @Test
  void read_unknownKindCode_failsNamingTheCode() throws IOException {
    byte[] bytes = frame(new Failure(7, Kind.TIMED_OUT, "java.lang.Boom", null, "at x", Message.NONE));
    int at = FrameWriter.HEADER_SIZE + Long.BYTES; // the body: the task id, then the kind's code
    assertThat(bytes[at]).isEqualTo(FailureKindCodes.code(Kind.TIMED_OUT));
    bytes[at] = 99;
    assertThatThrownBy(() -> read(bytes)).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("unknown failure kind code 99");
  }
}
