/**
 * The assembly: keepalived.conf and nginx.conf as they are, turned into a validated node of VRRP
 * instances, an in-process proxy and the scripts they track ({@link
 * org.ha4j.node.HaNode#fromFiles}), an nginx {@code stream {}} alone ({@link
 * org.ha4j.node.HaNode#streamProxy}), and the check that says why a file would be refused ({@link
 * org.ha4j.node.HaNode#check}). The command line and an embedding application use the same calls.
 */
package org.ha4j.node;
