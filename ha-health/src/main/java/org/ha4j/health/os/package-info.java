/**
 * Probes of the local Linux system: scripts with keepalived {@code vrrp_script} semantics (whole
 * process tree terminated and reaped), processes by name or pid file, and load, CPU, memory and
 * disk from {@code /proc}. The system calls the JDK lacks go through ha-core's native layer ({@code
 * LinuxProcessControl}).
 */
package org.ha4j.health.os;
