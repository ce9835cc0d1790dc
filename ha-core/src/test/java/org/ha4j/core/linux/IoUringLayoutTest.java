package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The io_uring structs as {@code <linux/io_uring.h>} defines them: x86-64 and aarch64 share every
 * size and offset, all fields being fixed-width at natural alignment.
 */
class IoUringLayoutTest {

  private static ByteBuffer sqes(int count) {
    return ByteBuffer.allocate(count * IoUringLayout.SQE_SIZE).order(ByteOrder.nativeOrder());
  }

  @Test
  void paramsAreTheFixedHeadThenTheTwoRingOffsetTables() {
    // u32 sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd,
    // resv[3]; struct io_sqring_offsets sq_off (10 x u32 + u64 user_addr... 40 bytes); cq_off
    assertThat(IoUringLayout.PARAMS_SQ_ENTRIES).isZero();
    assertThat(IoUringLayout.PARAMS_CQ_ENTRIES).isEqualTo(4);
    assertThat(IoUringLayout.PARAMS_FEATURES).isEqualTo(20);
    assertThat(IoUringLayout.PARAMS_SQ_OFF).isEqualTo(7 * 4 + 3 * 4);
    assertThat(IoUringLayout.PARAMS_CQ_OFF).isEqualTo(IoUringLayout.PARAMS_SQ_OFF + 40);
    assertThat(IoUringLayout.PARAMS_SIZE).isEqualTo(IoUringLayout.PARAMS_CQ_OFF + 40);
    // head, tail, ring_mask, ring_entries, flags, dropped, array
    assertThat(IoUringLayout.SQ_OFF_ARRAY).isEqualTo(6 * 4);
    // head, tail, ring_mask, ring_entries, overflow, cqes
    assertThat(IoUringLayout.CQ_OFF_CQES).isEqualTo(5 * 4);
  }

  @Test
  void entriesAre64And16Bytes() {
    assertThat(IoUringLayout.SQE_SIZE).isEqualTo(64);
    assertThat(IoUringLayout.CQE_SIZE).isEqualTo(16);
    assertThat(IoUringLayout.TIMESPEC_SIZE).isEqualTo(16);
  }

  @Test
  void anAbsoluteTimeoutLinksToTheNextEntryAndSurvivesItsOwnExpiry() {
    ByteBuffer sqes = sqes(2);
    sqes.put(64 + 2, (byte) 0x7f); // stale bytes in the slot are cleared
    IoUringLayout.timeout(sqes, 1, 0x1122_3344_5566L, 0xabcdL);
    int base = 64;
    assertThat(sqes.get(base)).isEqualTo((byte) 11); // IORING_OP_TIMEOUT
    assertThat(sqes.get(base + 1)).isEqualTo((byte) 4); // IOSQE_IO_LINK
    assertThat(sqes.getInt(base + 4)).isEqualTo(-1);
    assertThat(sqes.getLong(base + 8)).isZero(); // count 0: only the time ends it
    assertThat(sqes.getLong(base + 16)).isEqualTo(0x1122_3344_5566L);
    assertThat(sqes.getInt(base + 24)).isEqualTo(1); // one timespec
    assertThat(sqes.getInt(base + 28)).isEqualTo(1 | 32); // ABS | ETIME_SUCCESS
    assertThat(sqes.getLong(base + 32)).isEqualTo(0xabcdL);
    assertThat(sqes.getShort(base + 2)).isZero(); // ioprio
    assertThat(sqes.getLong(base + 40)).isZero();
    assertThat(sqes.getLong(base + 48)).isZero();
  }

  @Test
  void aSendmsgNamesTheSocketAndOneMsghdr() {
    ByteBuffer sqes = sqes(1);
    IoUringLayout.sendmsg(sqes, 0, 7, 0x4000L, 42L);
    assertThat(sqes.get(0)).isEqualTo((byte) 9); // IORING_OP_SENDMSG
    assertThat(sqes.get(1)).isZero(); // ends the link
    assertThat(sqes.getInt(4)).isEqualTo(7);
    assertThat(sqes.getLong(16)).isEqualTo(0x4000L);
    assertThat(sqes.getInt(28)).isZero(); // msg_flags
    assertThat(sqes.getLong(32)).isEqualTo(42L);
  }

  @Test
  void aCancelMatchesEveryRequest() {
    ByteBuffer sqes = sqes(1);
    IoUringLayout.cancelAll(sqes, 0, 9L);
    assertThat(sqes.get(0)).isEqualTo((byte) 14); // IORING_OP_ASYNC_CANCEL
    assertThat(sqes.getInt(28)).isEqualTo(1 | 4); // CANCEL_ALL | CANCEL_ANY
    assertThat(sqes.getLong(32)).isEqualTo(9L);
  }

  @Test
  void aCompletionIsUserDataThenResult() {
    ByteBuffer cqes = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
    cqes.putLong(16, 77L);
    cqes.putInt(24, -62);
    assertThat(IoUringLayout.cqeUserData(cqes, 16)).isEqualTo(77L);
    assertThat(IoUringLayout.cqeResult(cqes, 16)).isEqualTo(-62);
  }
}
