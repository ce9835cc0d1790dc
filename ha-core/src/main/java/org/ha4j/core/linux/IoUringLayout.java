package org.ha4j.core.linux;

import java.nio.ByteBuffer;
import org.ha4j.core.linux.LinuxConstants.IoUring;

/**
 * The io_uring structs of {@code <linux/io_uring.h>}: {@code struct io_uring_params} with its two
 * offset tables, the 64-byte submission entry and the 16-byte completion entry. Every field is
 * fixed-width at its natural alignment, so x86-64 and aarch64 share the layout ({@code
 * IoUringLayoutTest} pins it). Entries are written into native-order buffers over the rings.
 */
final class IoUringLayout {

  /** {@code sizeof(struct io_uring_params)}. */
  static final int PARAMS_SIZE = 120;

  static final int PARAMS_SQ_ENTRIES = 0;
  static final int PARAMS_CQ_ENTRIES = 4;
  static final int PARAMS_FEATURES = 20;

  /** {@code offsetof(struct io_uring_params, sq_off)}: a {@code struct io_sqring_offsets}. */
  static final int PARAMS_SQ_OFF = 40;

  /** {@code offsetof(struct io_uring_params, cq_off)}: a {@code struct io_cqring_offsets}. */
  static final int PARAMS_CQ_OFF = 80;

  // struct io_sqring_offsets {head, tail, ring_mask, ring_entries, flags, dropped, array, ...}
  static final int SQ_OFF_HEAD = 0;
  static final int SQ_OFF_TAIL = 4;
  static final int SQ_OFF_RING_MASK = 8;
  static final int SQ_OFF_ARRAY = 24;

  // struct io_cqring_offsets {head, tail, ring_mask, ring_entries, overflow, cqes, ...}
  static final int CQ_OFF_HEAD = 0;
  static final int CQ_OFF_TAIL = 4;
  static final int CQ_OFF_RING_MASK = 8;
  static final int CQ_OFF_CQES = 20;

  /** {@code sizeof(struct io_uring_sqe)}. */
  static final int SQE_SIZE = 64;

  static final int SQE_OPCODE = 0;
  static final int SQE_FLAGS = 1;
  static final int SQE_FD = 4;
  static final int SQE_OFF = 8;
  static final int SQE_ADDR = 16;
  static final int SQE_LEN = 24;

  /** The union of {@code msg_flags}, {@code timeout_flags}, {@code cancel_flags}. */
  static final int SQE_OP_FLAGS = 28;

  static final int SQE_USER_DATA = 32;

  /** {@code sizeof(struct io_uring_cqe)} without IORING_SETUP_CQE32. */
  static final int CQE_SIZE = 16;

  static final int CQE_USER_DATA = 0;
  static final int CQE_RES = 8;

  /** {@code sizeof(struct __kernel_timespec)}: two 64-bit fields. */
  static final int TIMESPEC_SIZE = 16;

  private IoUringLayout() {}

  /**
   * An absolute timeout at the CLOCK_MONOTONIC time {@code timespecAddress} holds, linked to the
   * next entry: with ETIME_SUCCESS its expiry counts as success, so the link goes on; count 0 means
   * only the time ends it.
   */
  static void timeout(ByteBuffer sqes, int slot, long timespecAddress, long userData) {
    int base = clear(sqes, slot);
    sqes.put(base + SQE_OPCODE, (byte) IoUring.IORING_OP_TIMEOUT);
    sqes.put(base + SQE_FLAGS, (byte) IoUring.IOSQE_IO_LINK);
    sqes.putInt(base + SQE_FD, -1);
    sqes.putLong(base + SQE_OFF, 0);
    sqes.putLong(base + SQE_ADDR, timespecAddress);
    sqes.putInt(base + SQE_LEN, 1);
    sqes.putInt(
        base + SQE_OP_FLAGS, IoUring.IORING_TIMEOUT_ABS | IoUring.IORING_TIMEOUT_ETIME_SUCCESS);
    sqes.putLong(base + SQE_USER_DATA, userData);
  }

  /** {@code sendmsg(fd, msghdr, 0)}, the {@code struct msghdr} at {@code messageAddress}. */
  static void sendmsg(ByteBuffer sqes, int slot, int fd, long messageAddress, long userData) {
    int base = clear(sqes, slot);
    sqes.put(base + SQE_OPCODE, (byte) IoUring.IORING_OP_SENDMSG);
    sqes.putInt(base + SQE_FD, fd);
    sqes.putLong(base + SQE_ADDR, messageAddress);
    sqes.putInt(base + SQE_LEN, 1);
    sqes.putLong(base + SQE_USER_DATA, userData);
  }

  /** Does nothing: completes with 0 (or -ECANCELED when the link before it broke). */
  static void nop(ByteBuffer sqes, int slot, long userData) {
    int base = clear(sqes, slot);
    sqes.put(base + SQE_OPCODE, (byte) IoUring.IORING_OP_NOP);
    sqes.putLong(base + SQE_USER_DATA, userData);
  }

  /** Cancels every request of the ring (ANY matches them all, ALL does not stop at the first). */
  static void cancelAll(ByteBuffer sqes, int slot, long userData) {
    int base = clear(sqes, slot);
    sqes.put(base + SQE_OPCODE, (byte) IoUring.IORING_OP_ASYNC_CANCEL);
    sqes.putInt(base + SQE_FD, -1);
    sqes.putInt(
        base + SQE_OP_FLAGS, IoUring.IORING_ASYNC_CANCEL_ALL | IoUring.IORING_ASYNC_CANCEL_ANY);
    sqes.putLong(base + SQE_USER_DATA, userData);
  }

  private static int clear(ByteBuffer sqes, int slot) {
    int base = slot * SQE_SIZE;
    for (int i = 0; i < SQE_SIZE; i += 8) {
      sqes.putLong(base + i, 0);
    }
    return base;
  }

  static long cqeUserData(ByteBuffer cqes, int offset) {
    return cqes.getLong(offset + CQE_USER_DATA);
  }

  static int cqeResult(ByteBuffer cqes, int offset) {
    return cqes.getInt(offset + CQE_RES);
  }
}
