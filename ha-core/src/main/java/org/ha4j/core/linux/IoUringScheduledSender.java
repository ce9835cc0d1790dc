package org.ha4j.core.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.ha4j.core.net.IpAddress;

/**
 * {@link ScheduledSender} on an {@link IoUringRing}. Each prepared datagram lives in native memory
 * with its {@code struct msghdr}, iovec and sockaddr, built once per {@link #prepare}, so queueing
 * a due time writes entries and one timespec and allocates nothing.
 */
final class IoUringScheduledSender implements ScheduledSender {

  /** user_data tags: the kind in the top two bits, the destination index below. */
  private static final long TIMER = 1L << 62;

  private static final long SEND = 2L << 62;
  private static final long CANCEL = 3L << 62;
  private static final long KIND = 3L << 62;

  /** msghdr, iovec and sockaddr_in6 (the larger sockaddr) per datagram, 8-byte aligned. */
  private static final int HEADER_BLOCK =
      Structs.MSGHDR_SIZE + Structs.IOVEC_SIZE + Structs.cmsgAlign(Structs.SOCKADDR_IN6_SIZE);

  private final IoUringRing ring;
  private final int fd;
  private final boolean ipv6;
  private final int scopeInterfaceIndex;
  private final String description;
  private final Memory timespecs;
  private final long timespecsAddress;
  private final ByteBuffer timespecView;
  private final IoUringRing.Completion onCompletion = this::completed;

  /** The prepared datagrams' native memory; kept while the kernel may still read it. */
  private Memory datagrams;

  private long[] messageAddresses = new long[0];
  private int outstanding;
  private boolean cancelConfirmed;
  private long sent;
  private int failedSinceReap;
  private Failures failures;

  IoUringScheduledSender(
      IoUringRing ring, int fd, boolean ipv6, int scopeInterfaceIndex, String description) {
    this.ring = ring;
    this.fd = fd;
    this.ipv6 = ipv6;
    this.scopeInterfaceIndex = scopeInterfaceIndex;
    this.description = description;
    int slots = ring.entries().capacity() / IoUringLayout.SQE_SIZE;
    this.timespecs = new Memory((long) slots * IoUringLayout.TIMESPEC_SIZE);
    this.timespecsAddress = Pointer.nativeValue(timespecs);
    this.timespecView =
        timespecs.getByteBuffer(0, timespecs.size()).order(java.nio.ByteOrder.nativeOrder());
  }

  /**
   * Checks that the kernel knows the two flags this sender relies on, which io_uring itself
   * predates: {@code IORING_TIMEOUT_ETIME_SUCCESS} (Linux 5.16; without it an expired timeout
   * breaks its link and the send behind it is cancelled) and {@code IORING_ASYNC_CANCEL_ANY}
   * (5.19). A past timeout linked to a no-op, then a cancel of everything; an older kernel answers
   * EINVAL.
   *
   * @throws NativeCallException naming what the kernel refused
   */
  void probe(Duration timeout) throws NativeCallException {
    ByteBuffer entries = ring.entries();
    int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE};
    int timerSlot = ring.nextSlot();
    int at = timerSlot * IoUringLayout.TIMESPEC_SIZE;
    timespecView.putLong(at, 0);
    timespecView.putLong(at + 8, 0);
    IoUringLayout.timeout(entries, timerSlot, timespecsAddress + at, TIMER);
    ring.push(timerSlot);
    int nopSlot = ring.nextSlot();
    IoUringLayout.nop(entries, nopSlot, SEND);
    ring.push(nopSlot);
    awaitProbe(results, 2, timeout);
    if (results[0] != -Errno.ETIME || results[1] != 0) {
      throw new NativeCallException(
          "io_uring IORING_OP_TIMEOUT(IORING_TIMEOUT_ETIME_SUCCESS)",
          results[0] < 0 && results[0] != -Errno.ETIME ? -results[0] : Errno.EINVAL,
          "refused: needs Linux 5.16 or later (timer "
              + results[0]
              + ", linked no-op "
              + results[1]
              + ")");
    }
    // only now: a cancel submitted with them could withdraw the timer before it expires
    int cancelSlot = ring.nextSlot();
    IoUringLayout.cancelAll(entries, cancelSlot, CANCEL);
    ring.push(cancelSlot);
    awaitProbe(results, 3, timeout);
    if (results[2] < 0 && results[2] != -Errno.ENOENT) {
      throw new NativeCallException(
          "io_uring IORING_OP_ASYNC_CANCEL(IORING_ASYNC_CANCEL_ALL | ANY)",
          -results[2],
          "refused: needs Linux 5.19 or later");
    }
  }

  /** Submits and waits until the first {@code count} results (by kind) are in. */
  private void awaitProbe(int[] results, int count, Duration timeout) throws NativeCallException {
    ring.submit();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ring.reap((userData, result) -> results[(int) ((userData & KIND) >>> 62) - 1] = result);
      boolean all = true;
      for (int i = 0; i < count; i++) {
        all &= results[i] != Integer.MIN_VALUE;
      }
      if (all) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new NativeCallException(
            "io_uring probe on " + description,
            0,
            "no completion within " + timeout.toMillis() + " ms");
      }
      ring.awaitCompletion((int) Math.max(1, left / 1_000_000L));
    }
  }

  @Override
  public void prepare(byte[][] payloads, IpAddress[] destinations) {
    if (outstanding > 0) {
      throw new IllegalStateException(
          outstanding + " requests still outstanding: cancel them before changing the datagrams");
    }
    if (payloads.length == 0 || payloads.length != destinations.length) {
      throw new IllegalArgumentException(
          "one payload per destination, at least one: got "
              + payloads.length
              + " payloads for "
              + destinations.length
              + " destinations");
    }
    long size = 0;
    for (byte[] payload : payloads) {
      size += HEADER_BLOCK + Structs.cmsgAlign(payload.length);
    }
    Memory memory = new Memory(size);
    memory.clear();
    long[] addresses = new long[payloads.length];
    long offset = 0;
    for (int i = 0; i < payloads.length; i++) {
      byte[] sockaddr = sockaddr(destinations[i]);
      long message = offset;
      long iovec = message + Structs.MSGHDR_SIZE;
      long name = iovec + Structs.IOVEC_SIZE;
      long data = message + HEADER_BLOCK;
      memory.write(name, sockaddr, 0, sockaddr.length);
      memory.write(data, payloads[i], 0, payloads[i].length);
      memory.setPointer(iovec, memory.share(data));
      memory.setLong(iovec + 8, payloads[i].length);
      memory.setPointer(message + Structs.MSGHDR_NAME, memory.share(name));
      memory.setInt(message + Structs.MSGHDR_NAMELEN, sockaddr.length);
      memory.setPointer(message + Structs.MSGHDR_IOV, memory.share(iovec));
      memory.setLong(message + Structs.MSGHDR_IOVLEN, 1);
      addresses[i] = Pointer.nativeValue(memory) + message;
      offset = data + Structs.cmsgAlign(payloads[i].length);
    }
    datagrams = memory;
    messageAddresses = addresses;
  }

  private byte[] sockaddr(IpAddress destination) {
    if (destination.isIpv6() != ipv6) {
      throw new IllegalArgumentException(
          "an " + (ipv6 ? "IPv6" : "IPv4") + " destination is needed, got " + destination);
    }
    return ipv6
        ? Structs.sockaddrIn6(destination, scopeInterfaceIndex)
        : Structs.sockaddrIn(org.ha4j.core.net.Ipv4Address.ofBytes(destination.toBytes(), 0), 0);
  }

  @Override
  public int room() {
    int perDue = 2 * Math.max(1, messageAddresses.length);
    // one completion slot stays free for a cancel's own completion
    int completions = ring.completionCapacity() - 1 - outstanding;
    return Math.max(0, Math.min(ring.freeEntries(), completions) / perDue);
  }

  @Override
  public void queue(long dueNanos) {
    if (messageAddresses.length == 0) {
      throw new IllegalStateException("nothing prepared to send on " + description);
    }
    if (room() < 1) {
      throw new IllegalStateException("no room for another due time on " + description);
    }
    ByteBuffer entries = ring.entries();
    for (int i = 0; i < messageAddresses.length; i++) {
      int timerSlot = ring.nextSlot();
      int at = timerSlot * IoUringLayout.TIMESPEC_SIZE;
      timespecView.putLong(at, dueNanos / 1_000_000_000L);
      timespecView.putLong(at + 8, dueNanos % 1_000_000_000L);
      IoUringLayout.timeout(entries, timerSlot, timespecsAddress + at, TIMER | i);
      ring.push(timerSlot);
      int sendSlot = ring.nextSlot();
      IoUringLayout.sendmsg(entries, sendSlot, fd, messageAddresses[i], SEND | i);
      ring.push(sendSlot);
      outstanding += 2;
    }
  }

  @Override
  public void submit() throws NativeCallException {
    ring.submit();
  }

  @Override
  public int reap(Failures sink) {
    failures = sink;
    failedSinceReap = 0;
    ring.reap(onCompletion);
    failures = null;
    return failedSinceReap;
  }

  private void completed(long userData, int result) {
    long kind = userData & KIND;
    int index = (int) (userData & ~KIND);
    if (kind == CANCEL) {
      cancelConfirmed = true;
      return;
    }
    outstanding--;
    if (result >= 0) {
      if (kind == SEND) {
        sent++;
      }
      return;
    }
    int errno = -result;
    if (errno == Errno.ECANCELED || (kind == TIMER && errno == Errno.ETIME)) {
      return; // cancelled by us, or the timer expiring as it should
    }
    failedSinceReap++;
    if (failures != null) {
      failures.failed(kind == TIMER ? -1 : index, errno);
    }
  }

  @Override
  public boolean cancelAll(Duration timeout, Failures sink) throws NativeCallException {
    reap(sink);
    if (outstanding == 0) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    if (ring.freeEntries() == 0) {
      ring.submit(); // entries a refused submit left in the ring; the cancel needs one slot
      if (ring.freeEntries() == 0) {
        return false;
      }
    }
    int slot = ring.nextSlot();
    IoUringLayout.cancelAll(ring.entries(), slot, CANCEL);
    ring.push(slot);
    cancelConfirmed = false;
    ring.submit();
    while (true) {
      reap(sink);
      if (outstanding == 0 && cancelConfirmed) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      ring.awaitCompletion((int) Math.max(1, left / 1_000_000L));
    }
  }

  @Override
  public int outstanding() {
    return outstanding;
  }

  @Override
  public long sent() {
    return sent;
  }

  @Override
  public void close() {
    ring.close();
  }

  @Override
  public String toString() {
    return "io_uring sends on " + description;
  }
}
