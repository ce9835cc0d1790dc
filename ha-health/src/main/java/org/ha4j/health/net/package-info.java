/** Network probes: TCP connect and HTTP(S) GET with the JDK client. */
package org.ha4j.health.net;
