package dev.nproc.core.internal.codec;

import java.math.BigInteger;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import org.nustaq.serialization.FSTClazzNameRegistry;
import org.nustaq.serialization.FSTConfiguration;
import org.nustaq.serialization.FSTSerializerRegistry;
import org.nustaq.serialization.serializers.FSTArrayListSerializer;
import org.nustaq.serialization.serializers.FSTBigIntegerSerializer;
import org.nustaq.serialization.serializers.FSTBigNumberSerializers;
import org.nustaq.serialization.serializers.FSTBitSetSerializer;
import org.nustaq.serialization.serializers.FSTClassSerializer;
import org.nustaq.serialization.serializers.FSTCollectionSerializer;
import org.nustaq.serialization.serializers.FSTDateSerializer;
import org.nustaq.serialization.serializers.FSTEnumSetSerializer;
import org.nustaq.serialization.serializers.FSTMapSerializer;
import org.nustaq.serialization.serializers.FSTStringBufferSerializer;
import org.nustaq.serialization.serializers.FSTStringBuilderSerializer;
import org.nustaq.serialization.serializers.FSTStringSerializer;
import org.nustaq.serialization.serializers.FSTThrowableSerializer;
import org.nustaq.serialization.serializers.FSTTimestampSerializer;

/**
 * FST's default configuration without its start-up cost: the same serializers, but only a dozen
 * classes registered up front instead of about eighty.
 *
 * <p>Why: {@code FSTConfiguration.createDefaultConfiguration()} registers about eighty classes
 * (calendars, date formats, time zones, locales, URLs, every primitive array and its 2-D array)
 * and builds FST's class information for each at once: reflection over their fields and a
 * generated serialization constructor apiece. That was the largest single step of a worker's
 * start-up (about 150 ms of a 400 ms start on a quiet machine, measured in
 * {@code benchmarks/README.md}). A class that is not registered is still encoded: FST writes
 * its name the first time it occurs in a value, and builds its class information the first time
 * it is used, so the work moves to the values that need it.
 *
 * <p>What registration buys is a short class id on the wire instead of the name. The classes
 * kept are the ones values are made of most ({@code Object[]} holds a lambda's captured
 * arguments) and whose class information is cheap to build. Both ends of a pipe must register
 * the same classes in the same order; master, workers and cluster nodes all take their
 * configuration from here.
 *
 * <p>The serializers are those of FST's default configuration, in the same order, with the same
 * subclass flags; nproc's own serializers are added by the caller.
 */
public final class LeanFstConfiguration {
  /** Registered up front, in this order: ids on the wire depend on it. */
  private static final Class<?>[] REGISTERED = {
    String.class, Integer.class, Long.class, Double.class, Boolean.class,
    ArrayList.class, HashMap.class,
    Object.class, Object[].class, byte[].class, int[].class, long[].class, double[].class,
  };

  private LeanFstConfiguration() {}

  /**
   * Creates a configuration. Register further serializers before its first use.
   *
   * @return a new configuration, not yet used
   */
  public static FSTConfiguration create() {
    FSTConfiguration conf = new Lean();
    FSTClazzNameRegistry classes = conf.getClassRegistry();
    for (Class<?> c : REGISTERED) {
      classes.registerClass(c, conf);
    }
    FSTSerializerRegistry reg = conf.getCLInfoRegistry().getSerializerRegistry();
    reg.putSerializer(Class.class, new FSTClassSerializer(), false);
    reg.putSerializer(String.class, new FSTStringSerializer(), false);
    reg.putSerializer(Byte.class, new FSTBigNumberSerializers.FSTByteSerializer(), false);
    reg.putSerializer(Character.class, new FSTBigNumberSerializers.FSTCharSerializer(), false);
    reg.putSerializer(Short.class, new FSTBigNumberSerializers.FSTShortSerializer(), false);
    reg.putSerializer(Float.class, new FSTBigNumberSerializers.FSTFloatSerializer(), false);
    reg.putSerializer(Double.class, new FSTBigNumberSerializers.FSTDoubleSerializer(), false);
    reg.putSerializer(Date.class, new FSTDateSerializer(), false);
    reg.putSerializer(StringBuffer.class, new FSTStringBufferSerializer(), true);
    reg.putSerializer(StringBuilder.class, new FSTStringBuilderSerializer(), true);
    reg.putSerializer(EnumSet.class, new FSTEnumSetSerializer(), true);
    reg.putSerializer(ArrayList.class, new FSTArrayListSerializer(), false);
    reg.putSerializer(Vector.class, new FSTCollectionSerializer(), true);
    reg.putSerializer(LinkedList.class, new FSTCollectionSerializer(), false);
    reg.putSerializer(HashSet.class, new FSTCollectionSerializer(), false);
    reg.putSerializer(HashMap.class, new FSTMapSerializer(), false);
    reg.putSerializer(LinkedHashMap.class, new FSTMapSerializer(), false);
    reg.putSerializer(Hashtable.class, new FSTMapSerializer(), true);
    reg.putSerializer(ConcurrentHashMap.class, new FSTMapSerializer(), true);
    reg.putSerializer(Throwable.class, new FSTThrowableSerializer(), true);
    reg.putSerializer(BitSet.class, new FSTBitSetSerializer(), true);
    reg.putSerializer(Timestamp.class, new FSTTimestampSerializer(), true);
    reg.putSerializer(BigInteger.class, new FSTBigIntegerSerializer(), true);
    return conf;
  }

  /** FST's constructor is protected; this subclass only makes it reachable. */
  private static final class Lean extends FSTConfiguration {
    Lean() {
      super(null);
    }
  }
}
