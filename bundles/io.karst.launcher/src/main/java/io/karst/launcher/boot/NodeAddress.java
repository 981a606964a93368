package io.karst.launcher.boot;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** This machine's primary address when {@code --node-ip} is not given, as K3s picks one. */
final class NodeAddress {
    private NodeAddress() {
    }

    /** The first IPv4 address of an up, non-loopback interface; loopback when the machine has none. */
    static String detect() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // No interfaces readable: fall through to loopback, which still gives a working single node.
        }
        return "127.0.0.1";
    }
}
