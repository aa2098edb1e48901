package dev.nproc.cluster.internal;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.wire.Failure;
import dev.nproc.core.internal.wire.Result;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node hands back to a master's poll, in one batch: the outcomes of finished tasks (the
 * workers' answers still encoded: a {@link Result} or a {@link Failure}, by the master's task id),
 * the Full mode requests its tasks sent to the master's service, and whether the session is gone.
 * Built on the node by one thread, read on the master by one thread.
 */
public final class PollReply implements IdentifiedDataSerializable {
  private static final byte RESULT = 0;
  private static final byte FAILURE = 1;

  /** A finished task: the master's id and the worker's answer. */
  record Outcome(long taskId, Object answer) {}

  /** A worker's service request: the node's request id and the encoded request. */
  record Request(long requestId, byte[] bytes) {}

  /** Why the session is ending (no new tasks should come), or {@code null} while it runs. */
  private String ending;
  /** Whether the session is over (its pool shut down, or the node does not know it): nothing more will come. */
  private boolean finished;
  private int workerRestarts;
  private List<Outcome> outcomes = new ArrayList<>();
  private List<Request> requests = new ArrayList<>();

  PollReply() {}

  PollReply(String ending, boolean finished, int workerRestarts, List<Outcome> outcomes, List<Request> requests) {
    this.ending = ending;
    this.finished = finished;
    this.workerRestarts = workerRestarts;
    this.outcomes = outcomes;
    this.requests = requests;
  }

  String ending() {
    return ending;
  }

  boolean finished() {
    return finished;
  }

  int workerRestarts() {
    return workerRestarts;
  }

  List<Outcome> outcomes() {
    return outcomes;
  }

  List<Request> requests() {
    return requests;
  }

  @Override
  public int getFactoryId() {
    return Protocol.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return Protocol.POLL_REPLY;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(ending);
    out.writeBoolean(finished);
    out.writeInt(workerRestarts);
    out.writeInt(outcomes.size());
    for (Outcome o : outcomes) {
      out.writeLong(o.taskId());
      if (o.answer() instanceof Result r) {
        out.writeByte(RESULT);
        out.writeBoolean(r.rawValue());
        out.writeByteArray(r.value());
      } else {
        Failure f = (Failure) o.answer();
        out.writeByte(FAILURE);
        out.writeString(f.failureKind().name());
        out.writeString(f.className());
        out.writeString(f.message());
        out.writeString(f.stackTrace());
        out.writeByteArray(f.exception());
      }
    }
    out.writeInt(requests.size());
    for (Request r : requests) {
      out.writeLong(r.requestId());
      out.writeByteArray(r.bytes());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    ending = in.readString();
    finished = in.readBoolean();
    workerRestarts = in.readInt();
    int n = in.readInt();
    outcomes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long id = in.readLong();
      if (in.readByte() == RESULT) {
        boolean raw = in.readBoolean();
        outcomes.add(new Outcome(id, new Result(id, in.readByteArray(), raw)));
      } else {
        TaskFailedException.Kind kind = kind(in.readString());
        String className = in.readString();
        String message = in.readString();
        String stackTrace = in.readString();
        byte[] exception = in.readByteArray();
        outcomes.add(new Outcome(id, new Failure(id, kind, className, message, stackTrace,
            exception == null ? new byte[0] : exception)));
      }
    }
    int m = in.readInt();
    requests = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      requests.add(new Request(in.readLong(), in.readByteArray()));
    }
  }

  private static TaskFailedException.Kind kind(String name) {
    try {
      return TaskFailedException.Kind.valueOf(name);
    } catch (IllegalArgumentException e) {
      return TaskFailedException.Kind.TASK_THREW; // a kind this master does not know: a newer node's
    }
  }
}
