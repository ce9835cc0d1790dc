package org.ha4j.vrrp.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The notify scripts of an instance. The specific ones run with only the arguments written; the generic
 * {@code notify} gets four more: "INSTANCE", the instance name, the new state and the priority.
 */
public record NotifySpec(
        Optional<String> master, Optional<String> backup, Optional<String> fault, Optional<String> stop,
        Optional<String> generic) {

    public NotifySpec {
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(generic, "generic");
    }

    public static NotifySpec none() {
        return new NotifySpec(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean isEmpty() {
        return master.isEmpty() && backup.isEmpty() && fault.isEmpty() && stop.isEmpty() && generic.isEmpty();
    }
}
