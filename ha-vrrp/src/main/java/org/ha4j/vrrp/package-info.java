/**
 * VRRPv2 (RFC 3768) for the JVM.
 *
 * <ul>
 *   <li>{@code codec}: the advertisement as values, its encoder and its validating decoder.</li>
 *   <li>{@code protocol}: the pure state machine, {@code (now, input) -> actions}; no I/O, no clock.</li>
 * </ul>
 */
package org.ha4j.vrrp;
