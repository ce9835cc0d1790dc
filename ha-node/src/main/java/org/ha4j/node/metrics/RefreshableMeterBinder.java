package org.ha4j.node.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * A binder whose meters follow what runs now: {@link #refresh()} adds the series of the listeners,
 * servers, instances or probes that appeared since the last refresh and removes those of the ones
 * that are gone, in every registry the binder was bound to. Series that stay keep counting (their
 * counters never go back). Call it after each reload ({@code HaNode.reconfigure}, {@code
 * StreamProxyNode.reconfigure}) or before each scrape; it is cheap when nothing changed. Keep the
 * binder referenced while its meters are registered: counters read through it.
 */
public interface RefreshableMeterBinder extends MeterBinder {

  /** Brings the meters in line with the binder's source; thread-safe. */
  void refresh();
}
