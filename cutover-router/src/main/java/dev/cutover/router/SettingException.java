package dev.cutover.router;

/**
 * A setting of a {@link RouterConfig} that {@link Router#start} found it cannot use: an access log it cannot open, a
 * certificate or key it cannot load. Named by the configuration's component, so that a caller can name it by the
 * flag or file the user set it with.
 */
public final class SettingException extends IllegalArgumentException {

    private final String setting;
    private final String problem;

    SettingException(String setting, String problem, Throwable cause) {
        super(setting + ": " + problem, cause);
        this.setting = setting;
        this.problem = problem;
    }

    /** The {@link RouterConfig} component: {@code accessLog} or {@code tls}. */
    public String setting() {
        return setting;
    }

    /** What is wrong with it, without its name. */
    public String problem() {
        return problem;
    }
}
