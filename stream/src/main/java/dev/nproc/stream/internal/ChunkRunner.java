package dev.nproc.stream.internal;

import dev.nproc.core.internal.codec.TravelRule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a chunk's elements one after another in a worker, catching each element's failure so it
 * fails only that element.
 *
 * <p>Stateless and thread-safe.
 */
final class ChunkRunner {
  /** One element's work: the user's function applied to it. */
  @FunctionalInterface
  interface Step<A> {
    Object apply(A a) throws Exception;
  }

  private ChunkRunner() {}

  /**
   * Returns a chunk's elements from the task's argument, in the form
   * {@link ChunkFunction#argument} gives it: a list, or one {@code byte[]} alone.
   */
  @SuppressWarnings("unchecked")
  static <A> List<A> elements(Object argument) {
    if (argument instanceof byte[]) {
      List<Object> one = new ArrayList<>(1);
      one.add(argument);
      return (List<A>) one;
    }
    return (List<A>) argument;
  }

  /**
   * Runs each element of a chunk.
   *
   * @return the chunk's outcome in its wire form, see {@link ChunkResult#wire}
   */
  static <A> Object run(List<A> chunk, Step<A> step) {
    int n = chunk.size();
    ArrayList<Object> values = new ArrayList<>(n);
    String[] errors = null;
    for (int i = 0; i < n; i++) {
      String error;
      try {
        Object v = step.apply(chunk.get(i));
        String refusal = v == null ? null : TravelRule.refusal(v.getClass());
        if (refusal == null) {
          values.add(v);
          continue;
        }
        error = "RESULT_NOT_SERIALIZABLE: the result cannot travel: " + refusal;
      } catch (VirtualMachineError e) {
        if (!(e instanceof StackOverflowError)) {
          throw e; // out of memory or worse: let the worker's own handling deal with it
        }
        error = describe(e);
      } catch (Exception | Error e) {
        error = describe(e);
      }
      values.add(null);
      if (errors == null) {
        errors = new String[n];
      }
      errors[i] = error;
    }
    return ChunkResult.wire(values, errors);
  }

  private static String describe(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString().stripTrailing();
  }
}
