/**
 * Internals of nproc-core shared by the other modules; not API.
 *
 * <p>{@link dev.nproc.core.internal.JvmFlags} holds the JVM flags that FST and Chronicle Wire
 * need on the master and on every worker. They are read from the argfile
 * {@code dev/nproc/core/nproc.args} in this jar, which also feeds Surefire's {@code argLine}
 * in this build. A pool calls it to check the master's JVM and to build its workers' command
 * lines. It is stateless, so any thread may call it.
 *
 * <p>The sub-packages: {@code codec} holds the FST serializers of {@link dev.nproc.core.FstCodec};
 * {@code wire} holds the protocol between the master and a worker.
 */
package dev.nproc.core.internal;
