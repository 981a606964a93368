package io.karst.launcher.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One flag of {@code karst server} / {@code karst agent}, also a config file key and an environment variable.
 *
 * @param name the long name without dashes, also the config file key
 * @param alias the one-letter short name, or empty
 * @param type how it takes values
 * @param roles the roles that have it
 * @param env the environment variable that sets it
 * @param defaultValue its value when nothing sets it
 * @param placeholder the value's name in {@code --help}, e.g. {@code CIDR}
 * @param usage one line for {@code --help}
 * @param rule what each value must look like
 * @param display how values appear in error messages; hides secrets
 */
record Flag(String name, String alias, FlagType type, Set<Role> roles, String env, DefaultValue defaultValue,
        String placeholder, String usage, ValueRule rule, UnaryOperator<String> display) {

    Flag {
        roles = Set.copyOf(roles);
    }

    /** A flag of both roles with the K3s-style variable {@code KARST_<NAME>}, no default and no rule. */
    static Flag of(String name, FlagType type, String placeholder, String usage) {
        return new Flag(name, "", type, EnumSet.allOf(Role.class),
                "KARST_" + name.toUpperCase(Locale.ROOT).replace('-', '_'), DefaultValue.NONE, placeholder, usage,
                ValueRule.ANY, UnaryOperator.identity());
    }

    Flag alias(String shortName) {
        return new Flag(name, shortName, type, roles, env, defaultValue, placeholder, usage, rule, display);
    }

    Flag only(Role role) {
        return new Flag(name, alias, type, EnumSet.of(role), env, defaultValue, placeholder, usage, rule, display);
    }

    Flag env(String variable) {
        return new Flag(name, alias, type, roles, variable, defaultValue, placeholder, usage, rule, display);
    }

    Flag defaults(DefaultValue value) {
        return new Flag(name, alias, type, roles, env, value, placeholder, usage, rule, display);
    }

    Flag defaults(String value) {
        return defaults(DefaultValue.of(value));
    }

    Flag rule(ValueRule check) {
        return new Flag(name, alias, type, roles, env, defaultValue, placeholder, usage, check, display);
    }

    Flag display(UnaryOperator<String> shown) {
        return new Flag(name, alias, type, roles, env, defaultValue, placeholder, usage, rule, shown);
    }

    boolean has(Role role) {
        return roles.contains(role);
    }

    /** Whether {@code text}, without its dashes, names this flag. */
    boolean isCalled(String text) {
        return name.equals(text) || (!alias.isEmpty() && alias.equals(text));
    }
}
