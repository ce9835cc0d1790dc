package org.ha4j.proxy;

import org.ha4j.core.time.Ticker;

/** Placeholder until the splice relay lands: reports unavailable so the copy relay is used. */
final class SpliceRelay implements Relay {

    SpliceRelay(Ticker ticker) {
    }

    static boolean available() {
        return false;
    }

    @Override
    public void start(Session session) {
        throw new UnsupportedOperationException("splice relay not available");
    }
}
