package dev.cutover.model.name;

import java.util.regex.Pattern;

/**
 * An environment of an app, written {@code APP/ENV}; {@code ENV} defaults to {@code production}.
 * Both parts are DNS labels because the environment is served at {@code APP-ENV.DOMAIN}.
 */
public record EnvRef(String app, String env) {

    public static final String DEFAULT_ENV = "production";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public EnvRef {
        requireLabel("app", app);
        requireLabel("env", env);
        if ((app + "-" + env).length() > 63) {
            throw new IllegalArgumentException("app/env: " + app + "/" + env
                    + " (expected: APP-ENV at most 63 characters, so that it fits one DNS label)");
        }
    }

    /** Parses {@code APP} or {@code APP/ENV}. */
    public static EnvRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("app: '' (expected: APP or APP/ENV, e.g. shop/production)");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new EnvRef(text, DEFAULT_ENV);
        }
        return new EnvRef(text.substring(0, slash), text.substring(slash + 1));
    }

    public static void requireLabel(String field, String value) {
        if (value == null || !DNS_LABEL.matcher(value).matches()) {
            throw new IllegalArgumentException(field + ": '" + value + "'"
                    + " (expected: a DNS label: 1-63 lowercase letters, digits and '-', not starting or ending with '-')");
        }
    }

    /** The host label the router serves this environment at: {@code APP-ENV}. */
    public String hostLabel() {
        return app + "-" + env;
    }

    @Override
    public String toString() {
        return app + "/" + env;
    }
}
