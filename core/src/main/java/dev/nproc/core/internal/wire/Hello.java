package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/** The worker's first message: who speaks, in which protocol version. */
public final class Hello extends MasterBound {
  /** The magic number that opens every worker's stream: "NPRO". */
  public static final int MAGIC = 0x4E50524F;
  /** The protocol version this build speaks. */
  public static final int VERSION = 3;

  private int magic;
  private int version;
  private long pid;
  private String javaVersion;

  Hello() {}

  /**
   * Creates the hello of this build's protocol.
   *
   * @param pid the worker's process id
   * @param javaVersion the worker's {@code java.version}
   */
  public Hello(long pid, String javaVersion) {
    this(MAGIC, VERSION, pid, javaVersion);
  }

  /**
   * Creates a hello with any magic number and version, for tests of mismatches.
   *
   * @param magic the magic number
   * @param version the protocol version
   * @param pid the worker's process id
   * @param javaVersion the worker's {@code java.version}
   */
  public Hello(int magic, int version, long pid, String javaVersion) {
    this.magic = magic;
    this.version = version;
    this.pid = pid;
    this.javaVersion = javaVersion;
  }

  /**
   * Checks that the peer speaks this build's protocol.
   *
   * @throws ProtocolException naming what differs
   */
  public void check() {
    if (magic != MAGIC) {
      throw new ProtocolException(String.format("bad magic number 0x%08x in the worker's hello (expected 0x%08x)",
          magic, MAGIC));
    }
    if (version != VERSION) {
      throw new ProtocolException("the worker speaks protocol version " + version + ", the master "
          + VERSION + ": are both on the same nproc version?");
    }
  }

  /**
   * Returns the worker's process id.
   *
   * @return the worker's process id
   */
  public long pid() {
    return pid;
  }

  /**
   * Returns the worker's Java version.
   *
   * @return the worker's Java version
   */
  public String javaVersion() {
    return javaVersion;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.HELLO;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeInt(magic);
    out.writeInt(version);
    out.writeLong(pid);
    writeText(out, javaVersion);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    magic = in.readInt();
    version = in.readInt();
    pid = in.readLong();
    javaVersion = readText(in);
  }

  @Override
  public void deliverTo(MasterInbox inbox) {
    inbox.hello(this);
  }
}
