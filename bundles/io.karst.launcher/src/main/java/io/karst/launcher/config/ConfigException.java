package io.karst.launcher.config;

/**
 * A configuration that cannot be used. The message is one line naming the key, where its value came from and what
 * is allowed, because bin/karst prints it as is and operators grep logs for it.
 */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
    }
}
