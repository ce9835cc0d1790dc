package org.ha4j.core.linux;

import java.nio.ByteBuffer;

/**
 * Where the fields of {@code struct epoll_event {uint32_t events; epoll_data_t data;}} sit on one
 * architecture ({@link Architecture}), and reading and writing an array of them in a native-order
 * buffer.
 *
 * @param size {@code sizeof(struct epoll_event)}, the stride of an array of them
 * @param eventsOffset {@code offsetof(struct epoll_event, events)}
 * @param dataOffset {@code offsetof(struct epoll_event, data)}
 */
record EpollEventLayout(int size, int eventsOffset, int dataOffset) {

  void put(ByteBuffer events, int index, int mask, long data) {
    int base = index * size;
    events.putInt(base + eventsOffset, mask);
    events.putLong(base + dataOffset, data);
  }

  int events(ByteBuffer events, int index) {
    return events.getInt(index * size + eventsOffset);
  }

  long data(ByteBuffer events, int index) {
    return events.getLong(index * size + dataOffset);
  }
}
