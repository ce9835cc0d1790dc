package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code struct epoll_event} per architecture, checked against the headers' numbers and against C's
 * layout rule applied to the struct's description, so neither architecture needs to be the one
 * running the test.
 */
class ArchitectureTest {

  /** {@code struct epoll_event {uint32_t events; uint64_t data;}}: field sizes, in order. */
  private static final int[] EPOLL_EVENT_FIELDS = {4, 8};

  /**
   * C's rule for a struct of scalars: each field at the next multiple of its alignment (its size,
   * or 1 when the struct is packed), the size rounded up to the largest alignment.
   *
   * @return the fields' offsets, then the struct's size
   */
  private static int[] cLayout(boolean packed, int... fieldSizes) {
    int[] result = new int[fieldSizes.length + 1];
    int offset = 0;
    int maxAlign = 1;
    for (int i = 0; i < fieldSizes.length; i++) {
      int align = packed ? 1 : fieldSizes[i];
      maxAlign = Math.max(maxAlign, align);
      offset = (offset + align - 1) / align * align;
      result[i] = offset;
      offset += fieldSizes[i];
    }
    result[fieldSizes.length] = (offset + maxAlign - 1) / maxAlign * maxAlign;
    return result;
  }

  private static int[] described(EpollEventLayout layout) {
    return new int[] {layout.eventsOffset(), layout.dataOffset(), layout.size()};
  }

  @Test
  void x8664PacksEpollEventIntoTwelveBytes() {
    EpollEventLayout layout = Architecture.X86_64.epollEvent();
    assertThat(described(layout)).containsExactly(0, 4, 12);
    assertThat(described(layout))
        .containsExactly(cLayout(true, EPOLL_EVENT_FIELDS)); // __EPOLL_PACKED
  }

  @Test
  void aarch64AlignsEpollEventDataAtEight() {
    EpollEventLayout layout = Architecture.AARCH64.epollEvent();
    assertThat(described(layout)).containsExactly(0, 8, 16);
    assertThat(described(layout)).containsExactly(cLayout(false, EPOLL_EVENT_FIELDS));
  }

  @Test
  void anArrayOfEventsIsWrittenAndReadAtTheArchitecturesStride() {
    for (Architecture arch : Architecture.values()) {
      EpollEventLayout layout = arch.epollEvent();
      ByteBuffer events = ByteBuffer.allocate(layout.size() * 3).order(ByteOrder.nativeOrder());
      layout.put(events, 2, 0x2005, 0x1122334455667788L);
      int base = 2 * layout.size();
      assertThat(events.getInt(base + layout.eventsOffset())).as(arch.name()).isEqualTo(0x2005);
      assertThat(events.getLong(base + layout.dataOffset()))
          .as(arch.name())
          .isEqualTo(0x1122334455667788L);
      assertThat(layout.events(events, 2)).isEqualTo(0x2005);
      assertThat(layout.data(events, 2)).isEqualTo(0x1122334455667788L);
      assertThat(layout.data(events, 1)).as("the neighbour is untouched").isZero();
    }
  }

  @Test
  void theJvmsArchitectureNamesAreRecognised() {
    assertThat(Architecture.named("amd64")).contains(Architecture.X86_64); // OpenJDK on Linux
    assertThat(Architecture.named("x86_64")).contains(Architecture.X86_64);
    assertThat(Architecture.named("aarch64")).contains(Architecture.AARCH64);
    assertThat(Architecture.named("arm64")).contains(Architecture.AARCH64);
    assertThat(Architecture.named("riscv64")).isEmpty();
    assertThat(Architecture.named("ppc64le")).isEmpty();
    assertThat(Architecture.named("")).isEmpty();
    assertThat(Architecture.knownNames()).isEqualTo("x86-64, aarch64");
  }

  @Test
  void theRunningArchitectureIsDetected() {
    String osArch = System.getProperty("os.arch");
    Optional<Architecture> expected =
        switch (osArch) {
          case "amd64", "x86_64" -> Optional.of(Architecture.X86_64);
          case "aarch64" -> Optional.of(Architecture.AARCH64);
          default -> Optional.empty();
        };
    assertThat(Architecture.current()).as("os.arch=" + osArch).isEqualTo(expected);
  }
}
