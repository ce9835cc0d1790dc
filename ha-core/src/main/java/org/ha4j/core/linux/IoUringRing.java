package org.ha4j.core.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ha4j.core.linux.LinuxConstants.IoUring;
import org.ha4j.core.linux.LinuxConstants.Mman;

/**
 * One io_uring instance (io_uring(7)): its descriptor and the three shared mappings, the submission
 * ring, its entries and the completion ring, laid out by {@link IoUringLayout}.
 *
 * <p>Memory ordering, as liburing does it: the kernel reads the submission tail and writes the
 * completion tail concurrently with us, so our submission tail is published with a release store
 * (every entry written before it is visible first), and the completion tail is read with an acquire
 * load (the entries it covers are read after it); the heads the other side owns likewise.
 *
 * <p>Not thread-safe: one thread submits and reaps.
 */
final class IoUringRing implements AutoCloseable {

  /** A completion: the request's tag and its result (a byte count, or a negated errno). */
  @FunctionalInterface
  interface Completion {
    void completed(long userData, int result);
  }

  private static final VarHandle INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  private final int fd;
  private final Pointer sqMapping;
  private final long sqMappingSize;
  private final Pointer cqMapping;
  private final long cqMappingSize;
  private final Pointer sqeMapping;
  private final long sqeMappingSize;
  private final ByteBuffer sq;
  private final ByteBuffer cq;
  private final ByteBuffer sqes;
  private final int sqEntries;
  private final int sqMask;
  private final int cqEntries;
  private final int cqMask;
  private final int sqHead;
  private final int sqTail;
  private final int sqArray;
  private final int cqHead;
  private final int cqTail;
  private final int cqes;
  private int tail;
  private boolean closed;

  private IoUringRing(int fd, ByteBuffer params, Mappings mappings) {
    this.fd = fd;
    this.sqMapping = mappings.sq;
    this.sqMappingSize = mappings.sqSize;
    this.cqMapping = mappings.cq;
    this.cqMappingSize = mappings.cqSize;
    this.sqeMapping = mappings.sqes;
    this.sqeMappingSize = mappings.sqesSize;
    this.sq = view(mappings.sq, mappings.sqSize);
    this.cq = view(mappings.cq, mappings.cqSize);
    this.sqes = view(mappings.sqes, mappings.sqesSize);
    this.sqEntries = params.getInt(IoUringLayout.PARAMS_SQ_ENTRIES);
    this.cqEntries = params.getInt(IoUringLayout.PARAMS_CQ_ENTRIES);
    int sqOff = IoUringLayout.PARAMS_SQ_OFF;
    int cqOff = IoUringLayout.PARAMS_CQ_OFF;
    this.sqHead = params.getInt(sqOff + IoUringLayout.SQ_OFF_HEAD);
    this.sqTail = params.getInt(sqOff + IoUringLayout.SQ_OFF_TAIL);
    this.sqArray = params.getInt(sqOff + IoUringLayout.SQ_OFF_ARRAY);
    this.sqMask = sq.getInt(params.getInt(sqOff + IoUringLayout.SQ_OFF_RING_MASK));
    this.cqHead = params.getInt(cqOff + IoUringLayout.CQ_OFF_HEAD);
    this.cqTail = params.getInt(cqOff + IoUringLayout.CQ_OFF_TAIL);
    this.cqes = params.getInt(cqOff + IoUringLayout.CQ_OFF_CQES);
    this.cqMask = cq.getInt(params.getInt(cqOff + IoUringLayout.CQ_OFF_RING_MASK));
    this.tail = (int) INT.getAcquire(sq, sqTail);
  }

  private static ByteBuffer view(Pointer mapping, long size) {
    return mapping.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
  }

  private record Mappings(
      Pointer sq, long sqSize, Pointer cq, long cqSize, Pointer sqes, long sqesSize) {}

  /**
   * {@code io_uring_setup(entries)} and the mappings.
   *
   * @throws NativeCallException naming io_uring_setup with its errno: ENOSYS (a kernel without
   *     io_uring), EPERM (refused by {@code kernel.io_uring_disabled} or a seccomp filter), ENOMEM
   */
  static IoUringRing open(int entries) throws NativeCallException {
    Memory params = new Memory(IoUringLayout.PARAMS_SIZE);
    params.clear();
    long fd =
        LibC.syscall(IoUring.SYS_IO_URING_SETUP, entries, Pointer.nativeValue(params), 0, 0, 0, 0);
    if (fd < 0) {
      throw LibC.failure("io_uring_setup(" + entries + ")", null);
    }
    int ring = (int) fd;
    ByteBuffer p =
        params.getByteBuffer(0, IoUringLayout.PARAMS_SIZE).order(ByteOrder.nativeOrder());
    Mappings mappings;
    try {
      mappings = map(ring, p);
    } catch (NativeCallException e) {
      LibC.close(ring);
      throw e;
    }
    return new IoUringRing(ring, p, mappings);
  }

  private static Mappings map(int fd, ByteBuffer params) throws NativeCallException {
    int sqEntries = params.getInt(IoUringLayout.PARAMS_SQ_ENTRIES);
    int cqEntries = params.getInt(IoUringLayout.PARAMS_CQ_ENTRIES);
    long sqSize =
        params.getInt(IoUringLayout.PARAMS_SQ_OFF + IoUringLayout.SQ_OFF_ARRAY) + 4L * sqEntries;
    long cqSize =
        params.getInt(IoUringLayout.PARAMS_CQ_OFF + IoUringLayout.CQ_OFF_CQES)
            + (long) IoUringLayout.CQE_SIZE * cqEntries;
    boolean single =
        (params.getInt(IoUringLayout.PARAMS_FEATURES) & IoUring.IORING_FEAT_SINGLE_MMAP) != 0;
    if (single) {
      sqSize = Math.max(sqSize, cqSize);
      cqSize = sqSize;
    }
    Pointer sq = mmap(fd, sqSize, IoUring.IORING_OFF_SQ_RING, "SQ ring");
    Pointer cq = sq;
    Pointer sqes = null;
    try {
      if (!single) {
        cq = mmap(fd, cqSize, IoUring.IORING_OFF_CQ_RING, "CQ ring");
      }
      long sqesSize = (long) IoUringLayout.SQE_SIZE * sqEntries;
      sqes = mmap(fd, sqesSize, IoUring.IORING_OFF_SQES, "SQEs");
      return new Mappings(sq, sqSize, cq, cqSize, sqes, sqesSize);
    } catch (NativeCallException e) {
      LibC.munmap(sq, sqSize);
      if (cq != sq) {
        LibC.munmap(cq, cqSize);
      }
      throw e;
    }
  }

  private static Pointer mmap(int fd, long size, long offset, String what)
      throws NativeCallException {
    Pointer mapping =
        LibC.mmap(
            null,
            size,
            Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_SHARED | Mman.MAP_POPULATE,
            fd,
            offset);
    if (mapping == null || Pointer.nativeValue(mapping) == -1L) {
      throw LibC.failure("mmap(io_uring " + what + ", " + size + " bytes)", null);
    }
    return mapping;
  }

  /** How many completions the ring holds at most, hence how many requests may be in flight. */
  int completionCapacity() {
    return cqEntries;
  }

  /** The submission entries, for {@link IoUringLayout}'s writers. */
  ByteBuffer entries() {
    return sqes;
  }

  /** Submission entries free before the next {@link #submit}. */
  int freeEntries() {
    return sqEntries - (tail - (int) INT.getAcquire(sq, sqHead));
  }

  /**
   * The slot of the next entry to write, then {@link #push} it.
   *
   * @throws IllegalStateException if the submission ring is full ({@link #freeEntries()} was 0)
   */
  int nextSlot() {
    if (freeEntries() <= 0) {
      throw new IllegalStateException("io_uring submission ring full: " + sqEntries + " entries");
    }
    return tail & sqMask;
  }

  /** The entry written at {@link #nextSlot()} is complete; {@link #submit} hands it over. */
  void push(int slot) {
    sq.putInt(sqArray + 4 * slot, slot);
    tail++;
  }

  /**
   * Publishes what was pushed and {@code io_uring_enter(2)}s it, without waiting for completions.
   *
   * @return how many entries the kernel took
   */
  int submit() throws NativeCallException {
    INT.setRelease(sq, sqTail, tail);
    int waiting = tail - (int) INT.getAcquire(sq, sqHead);
    if (waiting == 0) {
      return 0;
    }
    long taken = LibC.syscall(IoUring.SYS_IO_URING_ENTER, fd, waiting, 0, 0, 0, 0);
    if (taken < 0) {
      int errno = LibC.errno();
      if (Errno.isRetry(errno)) {
        return 0; // left in the ring: the next submit hands them over
      }
      throw LibC.failure("io_uring_enter(submit " + waiting + ")", null);
    }
    return (int) taken;
  }

  /**
   * Hands every completion the ring holds to {@code completion}, without waiting.
   *
   * @return how many there were
   */
  int reap(Completion completion) {
    int head = (int) INT.getAcquire(cq, cqHead);
    int available = (int) INT.getAcquire(cq, cqTail);
    int count = 0;
    for (; head != available; head++, count++) {
      int offset = cqes + IoUringLayout.CQE_SIZE * (head & cqMask);
      completion.completed(
          IoUringLayout.cqeUserData(cq, offset), IoUringLayout.cqeResult(cq, offset));
    }
    if (count > 0) {
      INT.setRelease(cq, cqHead, head);
    }
    return count;
  }

  /**
   * Waits up to {@code timeoutMillis} until a completion is ready ({@code poll(2)} on the ring).
   *
   * @return whether one is
   */
  boolean awaitCompletion(int timeoutMillis) throws NativeCallException {
    byte[] pollfd = Structs.pollfd(fd, LinuxConstants.Poll.POLLIN);
    int ready = LibC.poll(pollfd, 1, timeoutMillis);
    if (ready < 0) {
      if (LibC.errno() == Errno.EINTR) {
        return false;
      }
      throw LibC.failure("poll(io_uring)", null);
    }
    return ready > 0;
  }

  /**
   * Unmaps and closes: the kernel cancels every request still pending, so nothing queued runs after
   * this. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LibC.munmap(sqeMapping, sqeMappingSize);
    if (cqMapping != sqMapping) {
      LibC.munmap(cqMapping, cqMappingSize);
    }
    LibC.munmap(sqMapping, sqMappingSize);
    LibC.close(fd);
  }

  /** The ring's descriptor, for tests that look for it in /proc/self/fd. */
  int fd() {
    return fd;
  }
}
