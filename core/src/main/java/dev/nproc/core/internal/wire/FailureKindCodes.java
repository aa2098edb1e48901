package dev.nproc.core.internal.wire;

import dev.nproc.core.TaskFailedException.Kind;

/**
 * The byte that stands for each {@link Kind} in a {@link Failure} message. The codes are fixed
 * here, not taken from the enum's order, so reordering or extending the public enum does not
 * change the wire. A new kind gets the next free code; a code is never reused. Stateless.
 */
final class FailureKindCodes {
  private FailureKindCodes() {}

  /**
   * Returns the code of a kind.
   *
   * @param kind the kind
   * @return its code on the wire
   */
  static byte code(Kind kind) {
    return switch (kind) {
      case TASK_THREW -> 0;
      case RESULT_NOT_SERIALIZABLE -> 1;
      case WORKER_DIED -> 2;
      case TIMED_OUT -> 3;
      case NOT_RUN -> 4;
      case NODE_LOST -> 5;
    };
  }

  /**
   * Returns the kind a code stands for.
   *
   * @param code a code read from the wire
   * @return its kind
   * @throws ProtocolException if no kind has that code
   */
  static Kind kind(int code) {
    return switch (code) {
      case 0 -> Kind.TASK_THREW;
      case 1 -> Kind.RESULT_NOT_SERIALIZABLE;
      case 2 -> Kind.WORKER_DIED;
      case 3 -> Kind.TIMED_OUT;
      case 4 -> Kind.NOT_RUN;
      case 5 -> Kind.NODE_LOST;
      default -> throw new ProtocolException("unknown failure kind code " + code);
    };
  }
}
