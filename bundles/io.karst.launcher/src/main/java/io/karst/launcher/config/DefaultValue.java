package io.karst.launcher.config;

import java.util.Locale;
import java.util.function.Supplier;

/** A flag's value when no source sets it; some depend on the role or on this machine. */
sealed interface DefaultValue {

    /** No default: the flag is unset. */
    DefaultValue NONE = new Constant("");

    /** This machine's host name, lowercased, as K3s names a node. */
    DefaultValue HOSTNAME = new HostName();

    /** The value for {@code role}; {@code hostname} is asked only when the default is the host name. */
    String value(Role role, Supplier<String> hostname);

    /** How {@code --help} shows it; empty for none. */
    String describe(Role role);

    /** How an error names where this default came from. */
    default Origin origin() {
        return Origin.byDefault();
    }

    static DefaultValue of(String value) {
        return new Constant(value);
    }

    static DefaultValue perRole(String server, String agent) {
        return new PerRole(server, agent);
    }

    record Constant(String value) implements DefaultValue {
        @Override
        public String value(Role role, Supplier<String> hostname) {
            return value;
        }

        @Override
        public String describe(Role role) {
            return value;
        }
    }

    record PerRole(String server, String agent) implements DefaultValue {
        @Override
        public String value(Role role, Supplier<String> hostname) {
            return role == Role.SERVER ? server : agent;
        }

        @Override
        public String describe(Role role) {
            return value(role, () -> "");
        }
    }

    record HostName() implements DefaultValue {
        @Override
        public String value(Role role, Supplier<String> hostname) {
            return hostname.get().toLowerCase(Locale.ROOT);
        }

        @Override
        public String describe(Role role) {
            return "host name";
        }

        @Override
        public Origin origin() {
            return Origin.byDefault("the host name of this machine");
        }
    }
}
