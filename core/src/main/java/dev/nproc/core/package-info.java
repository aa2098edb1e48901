/**
 * What both ends of a pipe speak: the public types shared by the master and its worker
 * processes.
 *
 * <ul>
 *   <li>The functions a pool runs: {@link dev.nproc.core.SerializableFunction} for a task,
 *       {@link dev.nproc.core.SerializableConsumer} for a worker's init hook, and for Full mode
 *       {@link dev.nproc.core.FullFunction}, which gets the worker's environment and a
 *       {@link dev.nproc.core.Service} to ask the master things.
 *   <li>{@link dev.nproc.core.WorkerInfo}: who a worker is.
 *   <li>The {@link dev.nproc.core.Codec} interface, which turns payloads (functions, arguments,
 *       results, exceptions, environments) into bytes and back, and its default,
 *       {@link dev.nproc.core.FstCodec}.
 *   <li>The errors: {@link dev.nproc.core.TaskFailedException} (a task gave no result, and why),
 *       {@link dev.nproc.core.CodecException} (a payload could not be encoded or decoded) and
 *       {@link dev.nproc.core.ServiceException} (the master could not answer a service request).
 * </ul>
 *
 * <p>Threads: a worker applies functions one task at a time, and runs the init hook before its
 * first task. {@code Service.request} is called from the running task's thread and blocks it
 * until the master answers. A codec is used by the master and by every worker, from several
 * threads at once, so it must be thread-safe. {@code WorkerInfo} and the exceptions are
 * immutable.
 */
package dev.nproc.core;
