package io.karst.api.security;

import java.util.List;
import java.util.Map;

/**
 * An authenticated identity, as Kubernetes' {@code user.Info}.
 *
 * @param name user name, e.g. {@code system:admin} or the certificate's common name
 * @param uid a stable identifier, may be empty
 * @param groups group names, e.g. {@code system:masters}, {@code system:authenticated}
 * @param extra additional attributes
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    public UserInfo {
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }
}
