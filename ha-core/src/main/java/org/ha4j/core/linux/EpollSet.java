package org.ha4j.core.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ha4j.core.linux.LinuxConstants.Epoll;

/**
 * An epoll instance (epoll(7)) with an eventfd to wake its waiter: descriptors are added with a
 * caller's 64-bit tag, and {@link #await} returns how many tags are ready, read with {@link
 * #ready(int)}. The {@code struct epoll_event} array is laid out for the architecture it was opened
 * for ({@link Architecture}).
 *
 * <p>Thread-safety: one thread owns the set ({@link #add}, {@link #remove}, {@link #await}, {@link
 * #ready}, {@link #close}); {@link #wakeUp()} may be called from any thread.
 */
public final class EpollSet implements AutoCloseable {

  /** {@code EPOLLIN}: readable (or the peer's FIN). */
  public static final int IN = 0x001;

  /** {@code EPOLLOUT}: writable. */
  public static final int OUT = 0x004;

  /** {@code EPOLLERR}: always reported, need not be asked for. */
  public static final int ERR = 0x008;

  /** {@code EPOLLHUP}: always reported, need not be asked for. */
  public static final int HUP = 0x010;

  /** {@code EPOLLRDHUP}: the peer shut its writing half. */
  public static final int RDHUP = 0x2000;

  /** {@code EPOLLET}: report changes (edges), not states. */
  public static final int ET = 1 << 31;

  /** The tag of the wake-up eventfd; callers' tags must differ from it. */
  private static final long WAKE_UP = 0;

  private final int epfd;
  private final int wakeFd;
  private final EpollEventLayout layout;
  private final int capacity;
  private final ByteBuffer events;
  private final Pointer eventsAddress;
  private final ByteBuffer control;
  private final Pointer controlAddress;
  private final Memory one = new Memory(8);
  private final Memory drained = new Memory(8);
  private final long[] ready;
  private volatile boolean closed;

  private EpollSet(int epfd, int wakeFd, EpollEventLayout layout, int capacity) {
    this.epfd = epfd;
    this.wakeFd = wakeFd;
    this.layout = layout;
    this.capacity = capacity;
    this.events =
        ByteBuffer.allocateDirect(layout.size() * capacity).order(ByteOrder.nativeOrder());
    this.eventsAddress = Native.getDirectBufferPointer(events);
    this.control = ByteBuffer.allocateDirect(layout.size()).order(ByteOrder.nativeOrder());
    this.controlAddress = Native.getDirectBufferPointer(control);
    this.ready = new long[capacity];
    one.setLong(0, 1);
  }

  /**
   * {@code epoll_create1(EPOLL_CLOEXEC)} and a non-blocking eventfd added to it edge-triggered.
   *
   * @param architecture the architecture this JVM runs on ({@link Architecture#current()})
   * @param capacity how many ready descriptors one {@link #await} reports at most, 1 or more
   */
  public static EpollSet open(Architecture architecture, int capacity) throws NativeCallException {
    return open(architecture.epollEvent(), capacity);
  }

  static EpollSet open(EpollEventLayout layout, int capacity) throws NativeCallException {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    int epfd = LibC.epoll_create1(Epoll.EPOLL_CLOEXEC);
    if (epfd < 0) {
      throw LibC.failure("epoll_create1(EPOLL_CLOEXEC)", null);
    }
    int wakeFd = LibC.eventfd(0, Epoll.EFD_NONBLOCK | Epoll.EFD_CLOEXEC);
    if (wakeFd < 0) {
      NativeCallException failure = LibC.failure("eventfd(EFD_NONBLOCK | EFD_CLOEXEC)", null);
      LibC.close(epfd);
      throw failure;
    }
    EpollSet set = new EpollSet(epfd, wakeFd, layout, capacity);
    try {
      set.control(Epoll.EPOLL_CTL_ADD, wakeFd, IN | ET, WAKE_UP, "epoll_ctl(ADD, eventfd)");
    } catch (NativeCallException e) {
      set.close();
      throw e;
    }
    return set;
  }

  /**
   * {@code epoll_ctl(EPOLL_CTL_ADD)}.
   *
   * @param events a mask of {@link #IN}, {@link #OUT}, {@link #RDHUP}, {@link #ET}
   * @param tag what {@link #ready(int)} reports for this descriptor; any value but 0
   */
  public void add(int fd, int events, long tag) throws NativeCallException {
    if (tag == WAKE_UP) {
      throw new IllegalArgumentException("tag 0 is the set's own wake-up; use any other value");
    }
    control(Epoll.EPOLL_CTL_ADD, fd, events, tag, "epoll_ctl(ADD, fd " + fd + ")");
  }

  /** {@code epoll_ctl(EPOLL_CTL_DEL)}; closing a descriptor also takes it out of every set. */
  public void remove(int fd) throws NativeCallException {
    control(Epoll.EPOLL_CTL_DEL, fd, 0, 0, "epoll_ctl(DEL, fd " + fd + ")");
  }

  private void control(int op, int fd, int events, long tag, String call)
      throws NativeCallException {
    layout.put(control, 0, events, tag);
    if (LibC.epoll_ctl(epfd, op, fd, controlAddress) < 0) {
      throw LibC.failure(call, null);
    }
  }

  /**
   * {@code epoll_wait(2)}: waits until a descriptor is ready, {@link #wakeUp()} is called, or the
   * timeout ends.
   *
   * @param timeoutMillis -1 to wait without a bound, 0 not to wait
   * @return how many tags {@link #ready(int)} holds (0 after a wake-up, a timeout or a signal)
   */
  public int await(int timeoutMillis) throws NativeCallException {
    int n = LibC.epoll_wait(epfd, eventsAddress, capacity, timeoutMillis);
    if (n < 0) {
      if (LibC.errno() == Errno.EINTR) {
        return 0;
      }
      throw LibC.failure("epoll_wait", null);
    }
    int count = 0;
    for (int i = 0; i < n; i++) {
      long tag = layout.data(events, i);
      if (tag == WAKE_UP) {
        // edge-triggered: one read resets the counter so the next wake-up is a new edge; EAGAIN is
        // harmless
        LibC.read(wakeFd, drained, 8);
      } else {
        ready[count++] = tag;
      }
    }
    return count;
  }

  /** The tag of the {@code index}-th ready descriptor of the last {@link #await}. */
  public long ready(int index) {
    return ready[index];
  }

  /** Makes a waiting (or the next) {@link #await} return; any thread. */
  public void wakeUp() {
    if (!closed) {
      // EAGAIN means the counter is full, i.e. a wake-up is already pending: nothing lost
      LibC.write(wakeFd, one, 8);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LibC.close(wakeFd);
    LibC.close(epfd);
  }
}
