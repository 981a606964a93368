package io.karst.api.node;

import java.util.List;

/** What goes into a pod's resolv.conf. */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {
    public DnsConfig {
        servers = List.copyOf(servers);
        searches = List.copyOf(searches);
        options = List.copyOf(options);
    }
}
