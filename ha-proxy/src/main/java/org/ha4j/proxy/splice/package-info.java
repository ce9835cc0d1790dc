/**
 * Zero-copy relaying with splice(2) through pooled pipes, on sockets Netty accepted and connected. JNA stays
 * inside this package ({@code LinuxSyscalls}).
 */
package org.ha4j.proxy.splice;
