package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/** The master's first message to a worker: its identity, its init hook and its environment. */
public final class Init extends WorkerBound {
  private int workerId;
  private int generation;
  private byte[] init = NONE;
  private byte[] env = NONE;

  Init() {}

  /**
   * Creates an init message.
   *
   * @param workerId the worker's slot
   * @param generation how often the slot has been respawned
   * @param init the encoded init hook, or empty for none
   * @param env the encoded environment, or empty for none
   */
  public Init(int workerId, int generation, byte[] init, byte[] env) {
    this.workerId = workerId;
    this.generation = generation;
    this.init = init;
    this.env = env;
  }

  /**
   * Returns the worker's slot.
   *
   * @return the worker's slot
   */
  public int workerId() {
    return workerId;
  }

  /**
   * Returns how often the slot has been respawned.
   *
   * @return how often the slot has been respawned
   */
  public int generation() {
    return generation;
  }

  /**
   * Returns the encoded init hook, empty for none.
   *
   * @return the encoded init hook, empty for none
   */
  public byte[] init() {
    return init;
  }

  /**
   * Returns the encoded environment, empty for none.
   *
   * @return the encoded environment, empty for none
   */
  public byte[] env() {
    return env;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.INIT;
  }

  @Override
  protected int sizeHint() {
    return 64 + init.length;
  }

  @Override
  protected byte[] payload() {
    return env;
  }

  @Override
  protected void payload(byte[] payload) {
    env = payload;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeInt(workerId);
    out.writeInt(generation);
    writeBytes(out, init);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    workerId = in.readInt();
    generation = in.readInt();
    init = readBytes(in);
  }

  @Override
  public void deliverTo(WorkerInbox inbox) {
    inbox.init(this);
  }
}
