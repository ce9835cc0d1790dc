/**
 * Zero-copy relaying with splice(2) through pooled pipes, on sockets Netty accepted and connected.
 * The system calls go through ha-core's native layer ({@code org.ha4j.core.linux}); nothing here
 * touches JNA.
 */
package org.ha4j.proxy.splice;
