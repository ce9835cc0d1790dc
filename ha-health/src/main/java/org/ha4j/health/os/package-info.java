/**
 * Probes of the local Linux system: scripts with keepalived {@code vrrp_script} semantics (whole process
 * tree terminated and reaped), processes by name or pid file, and load, CPU, memory and disk from
 * {@code /proc}. {@code LibcProcessControl} is the only class here that touches JNA.
 */
package org.ha4j.health.os;
