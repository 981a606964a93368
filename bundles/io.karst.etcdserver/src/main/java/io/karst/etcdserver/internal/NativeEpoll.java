package io.karst.etcdserver.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.epoll.Epoll;

/**
 * Whether Netty's native epoll transport can be used: its classes are wired (the import is optional) and its
 * native library loaded for this platform (the feature ships it for linux-x86_64 only).
 */
final class NativeEpoll {
    private static final Logger LOG = LoggerFactory.getLogger(NativeEpoll.class);

    private NativeEpoll() {
    }

    static boolean available() {
        try {
            if (Epoll.isAvailable()) {
                return true;
            }
            LOG.debug("Native epoll is not available, the etcd endpoint uses NIO: {}",
                    Epoll.unavailabilityCause().toString());
            return false;
        } catch (LinkageError missing) {
            LOG.debug("Netty's epoll classes are not installed, the etcd endpoint uses NIO: {}", missing.toString());
            return false;
        }
    }
}
