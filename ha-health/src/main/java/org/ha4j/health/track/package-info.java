/**
 * keepalived's {@code vrrp_script} as a value ({@link org.ha4j.health.track.VrrpScript}) and the
 * factory that runs one as a tracked source with its weight ({@link
 * org.ha4j.health.track.TrackScript}), for the keepalived.conf loader and {@code ./ha4j node
 * --track-script}.
 */
package org.ha4j.health.track;
