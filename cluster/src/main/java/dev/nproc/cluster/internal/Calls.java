package dev.nproc.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The calls a master makes on a node, each run by the node's {@code nproc} executor on the member
 * it was sent to ({@code IExecutorService.submitToMember}). Each carries its fields as plain
 * values and nproc codec bytes; {@link NodeRuntime} does the work. The first exchange of a
 * session, {@link Handshake} and {@link Open} (and {@link Upload} between them), checks the shared
 * secret and the protocol version; the later calls name the session by its id, a random UUID that
 * only the master that opened it knows.
 *
 * <p>A call's object is built by one thread and run by one thread.
 */
final class Calls {
  private Calls() {}

  /** The common part: the factory, and the node found through the member it runs on. */
  abstract static class NodeCall<T> implements Callable<T>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private transient HazelcastInstance member;

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
      this.member = member;
    }

    @Override
    public int getFactoryId() {
      return Protocol.FACTORY_ID;
    }

    @Override
    public T call() throws Exception {
      Object runtime = member == null ? null : member.getUserContext().get(Protocol.RUNTIME_KEY);
      if (!(runtime instanceof NodeRuntime node)) {
        throw new IllegalStateException("this Hazelcast member is not an nproc node (no NprocNode runs in it)");
      }
      return run(node);
    }

    abstract T run(NodeRuntime node) throws Exception;
  }

  /** First exchange: secret, version and the hashes of the master's classpath; answers workers and missing hashes. */
  static final class Handshake extends NodeCall<Reply> {
    String secret;
    int version;
    String[] hashes;

    Handshake() {}

    Handshake(String secret, String[] hashes) {
      this.secret = secret;
      this.version = Protocol.VERSION;
      this.hashes = hashes;
    }

    @Override
    Reply run(NodeRuntime node) {
      return node.handshake(this);
    }

    @Override
    public int getClassId() {
      return Protocol.HANDSHAKE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(secret);
      out.writeInt(version);
      out.writeStringArray(hashes);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      secret = in.readString();
      version = in.readInt();
      hashes = in.readStringArray();
    }
  }

  /** A chunk of a classpath entry the node lacks. */
  static final class Upload extends NodeCall<Reply> {
    String secret;
    String hash;
    /** Tells this upload's chunks from another's of the same entry (another master, or node, at once). */
    String uploadId;
    long offset;
    byte[] bytes;
    boolean last;

    Upload() {}

    Upload(String secret, String hash, String uploadId, long offset, byte[] bytes, boolean last) {
      this.secret = secret;
      this.hash = hash;
      this.uploadId = uploadId;
      this.offset = offset;
      this.bytes = bytes;
      this.last = last;
    }

    @Override
    Reply run(NodeRuntime node) {
      return node.upload(this);
    }

    @Override
    public int getClassId() {
      return Protocol.UPLOAD;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(secret);
      out.writeString(hash);
      out.writeString(uploadId);
      out.writeLong(offset);
      out.writeByteArray(bytes);
      out.writeBoolean(last);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      secret = in.readString();
      hash = in.readString();
      uploadId = in.readString();
      offset = in.readLong();
      bytes = in.readByteArray();
      last = in.readBoolean();
    }
  }

  /** Opens a session: starts the node's local pool for this master; answers its workers. */
  static final class Open extends NodeCall<Reply> {
    String secret;
    int version;
    String sessionId;
    String clientId;
    /** The classpath's hashes in order, or empty for the node's own classpath. */
    String[] classpath;
    SessionSettings settings;

    Open() {}

    Open(String secret, String sessionId, String clientId, String[] classpath, SessionSettings settings) {
      this.secret = secret;
      this.version = Protocol.VERSION;
      this.sessionId = sessionId;
      this.clientId = clientId;
      this.classpath = classpath;
      this.settings = settings;
    }

    @Override
    Reply run(NodeRuntime node) {
      return node.open(this);
    }

    @Override
    public int getClassId() {
      return Protocol.OPEN;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(secret);
      out.writeInt(version);
      out.writeString(sessionId);
      out.writeString(clientId);
      out.writeStringArray(classpath);
      settings.write(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      secret = in.readString();
      version = in.readInt();
      sessionId = in.readString();
      clientId = in.readString();
      classpath = in.readStringArray();
      settings = SessionSettings.read(in);
    }
  }

  /** A batch of tasks; a function's bytes come with the first task that names it on this node. */
  static final class Submit extends NodeCall<Reply> {
    String sessionId;
    long[] taskIds;
    long[] functionKeys;
    byte[][] functions;
    byte[][] arguments;
    boolean[] raw;

    Submit() {}

    Submit(String sessionId, int n) {
      this.sessionId = sessionId;
      this.taskIds = new long[n];
      this.functionKeys = new long[n];
      this.functions = new byte[n][];
      this.arguments = new byte[n][];
      this.raw = new boolean[n];
    }

    @Override
    Reply run(NodeRuntime node) {
      return node.submit(this);
    }

    @Override
    public int getClassId() {
      return Protocol.SUBMIT;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(sessionId);
      out.writeInt(taskIds.length);
      for (int i = 0; i < taskIds.length; i++) {
        out.writeLong(taskIds[i]);
        out.writeLong(functionKeys[i]);
        out.writeByteArray(functions[i]);
        out.writeByteArray(arguments[i]);
        out.writeBoolean(raw[i]);
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      sessionId = in.readString();
      int n = in.readInt();
      taskIds = new long[n];
      functionKeys = new long[n];
      functions = new byte[n][];
      arguments = new byte[n][];
      raw = new boolean[n];
      for (int i = 0; i < n; i++) {
        taskIds[i] = in.readLong();
        functionKeys[i] = in.readLong();
        functions[i] = in.readByteArray();
        arguments[i] = in.readByteArray();
        raw[i] = in.readBoolean();
      }
    }
  }

  /** Waits up to {@code waitMillis} for outcomes and requests of the session; also its lease. */
  static final class Poll extends NodeCall<PollReply> {
    String sessionId;
    long waitMillis;

    Poll() {}

    Poll(String sessionId, long waitMillis) {
      this.sessionId = sessionId;
      this.waitMillis = waitMillis;
    }

    @Override
    PollReply run(NodeRuntime node) throws InterruptedException {
      return node.poll(sessionId, waitMillis);
    }

    @Override
    public int getClassId() {
      return Protocol.POLL;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(sessionId);
      out.writeLong(waitMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      sessionId = in.readString();
      waitMillis = in.readLong();
    }
  }

  /** The master's service answers, in a batch: bytes, or an error text. */
  static final class Answers extends NodeCall<Reply> {
    String sessionId;
    long[] requestIds;
    byte[][] answers;
    String[] errors;

    Answers() {}

    Answers(String sessionId, long[] requestIds, byte[][] answers, String[] errors) {
      this.sessionId = sessionId;
      this.requestIds = requestIds;
      this.answers = answers;
      this.errors = errors;
    }

    @Override
    Reply run(NodeRuntime node) {
      return node.answers(this);
    }

    @Override
    public int getClassId() {
      return Protocol.ANSWERS;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(sessionId);
      out.writeInt(requestIds.length);
      for (int i = 0; i < requestIds.length; i++) {
        out.writeLong(requestIds[i]);
        out.writeByteArray(answers[i]);
        out.writeString(errors[i]);
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      sessionId = in.readString();
      int n = in.readInt();
      requestIds = new long[n];
      answers = new byte[n][];
      errors = new String[n];
      for (int i = 0; i < n; i++) {
        requestIds[i] = in.readLong();
        answers[i] = in.readByteArray();
        errors[i] = in.readString();
      }
    }
  }

  /** Tasks whose futures the master's caller cancelled. */
  static final class Cancel extends NodeCall<Reply> {
    String sessionId;
    long[] taskIds;

    Cancel() {}

    Cancel(String sessionId, long[] taskIds) {
      this.sessionId = sessionId;
      this.taskIds = taskIds;
    }

    @Override
    Reply run(NodeRuntime node) {
      return node.cancel(sessionId, taskIds);
    }

    @Override
    public int getClassId() {
      return Protocol.CANCEL;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(sessionId);
      out.writeLongArray(taskIds);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      sessionId = in.readString();
      taskIds = in.readLongArray();
    }
  }

  /** Ends a session: drains its pool (close) or kills its workers (terminate); answers once they are gone. */
  static final class Close extends NodeCall<Reply> {
    String sessionId;
    boolean terminate;

    Close() {}

    Close(String sessionId, boolean terminate) {
      this.sessionId = sessionId;
      this.terminate = terminate;
    }

    @Override
    Reply run(NodeRuntime node) {
      return node.close(sessionId, terminate);
    }

    @Override
    public int getClassId() {
      return Protocol.CLOSE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(sessionId);
      out.writeBoolean(terminate);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      sessionId = in.readString();
      terminate = in.readBoolean();
    }
  }
}
