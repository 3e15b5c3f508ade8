package dev.cutover.cli;

import dev.cutover.model.api.ConfigChange;
import dev.cutover.model.api.ConfigView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.name.EnvRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "config", description = "An environment's config variables: every change is a new revision and, "
        + "when a release serves, a new release rolled out.",
        subcommands = {ConfigCommand.Set.class, ConfigCommand.Unset.class, ConfigCommand.List_.class})
final class ConfigCommand {

    @Command(name = "set", description = "Set variables: KEY=VALUE ...")
    static final class Set extends ApiCommand {
        @Parameters(index = "0", paramLabel = "APP[/ENV]")
        String target;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE")
        List<String> pairs;

        @Option(names = "--wait", description = "Wait for the new release to serve")
        boolean waitForIt;

        @Override
        int run(ApiClient api) {
            Map<String, String> set = KeyValues.parse(pairs, null, "KEY=VALUE", "key");
            return change(api, this, target, new ConfigChange(set, List.of()), waitForIt);
        }
    }

    @Command(name = "unset", description = "Remove variables: KEY ...")
    static final class Unset extends ApiCommand {
        @Parameters(index = "0", paramLabel = "APP[/ENV]")
        String target;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY")
        List<String> keys;

        @Option(names = "--wait", description = "Wait for the new release to serve")
        boolean waitForIt;

        @Override
        int run(ApiClient api) {
            return change(api, this, target, new ConfigChange(Map.of(), new ArrayList<>(keys)), waitForIt);
        }
    }

    @Command(name = "list", description = "Show the current variables.")
    static final class List_ extends ApiCommand {
        @Parameters(index = "0", paramLabel = "APP[/ENV]")
        String target;

        @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
        OutputFormat output;

        @Override
        int run(ApiClient api) {
            ConfigView c = api.get(ApiClient.envPath(env(target)) + "/config", ConfigView.class);
            if (output == OutputFormat.json) {
                printJson(c);
                return 0;
            }
            out().println("# " + c.app() + "/" + c.env() + " config revision " + c.revision());
            c.vars().forEach((k, v) -> out().println(k + "=" + shown(v)));
            out().flush();
            return 0;
        }
    }

    /**
     * A value as {@code config list} shows it, so that each entry stays on one line and pastes back into {@code config
     * set}: as it is when the shell would pass it on unchanged, in single quotes when it has a space, a quote or another
     * character the shell reads, and quoted as bash's {@code $'...'} does when it has a control character (a newline
     * would look like another entry).
     */
    static String shown(String value) {
        if (value.chars().allMatch(ConfigCommand::shellPlain)) {
            return value;
        }
        if (value.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            // a space, a quote, a $: in single quotes, the shell passes it on as it is
            return "'" + value.replace("'", "'\\''") + "'";
        }
        StringBuilder quoted = new StringBuilder("$'");
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                case '\\' -> quoted.append("\\\\");
                case '\'' -> quoted.append("\\'");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) {
                        quoted.append(String.format("\\x%02x", (int) ch));
                    } else {
                        quoted.append(ch);
                    }
                }
            }
        }
        return quoted.append('\'').toString();
    }

    /** A character the shell passes on as it is, outside quotes (beyond ASCII too: a UTF-8 letter is not special). */
    private static boolean shellPlain(int ch) {
        return ch > 0x7f || Character.isLetterOrDigit(ch) || "_@%+=:,./-".indexOf(ch) >= 0;
    }

    static int change(ApiClient api, ApiCommand cmd, String target, ConfigChange change, boolean wait) {
        EnvRef ref = ApiCommand.env(target);
        boolean existed = api.find(ApiClient.envPath(ref), EnvStatus.class).isPresent();
        ConfigView c = api.post(ApiClient.envPath(ref) + "/config", change, ConfigView.class);
        if (!existed && api.find(ApiClient.envPath(ref), EnvStatus.class).isPresent()) {
            // config may come before the first deploy, so the name is taken as meant; a typo should not pass unseen
            cmd.err().println("note: " + ref + " did not exist; it is made now, to hold this config for its first "
                    + "deploy (if the name is a mistake: cutover apps delete " + ref + " --yes; cutover apps lists "
                    + "the environments)");
            cmd.err().flush();
        }
        if (Boolean.FALSE.equals(c.changed())) {
            cmd.out().println("config revision " + c.revision() + " of " + ref + " unchanged: every variable already is "
                    + "as asked; no new release");
            cmd.out().flush();
            return 0;
        }
        cmd.out().println("config revision " + c.revision() + " of " + ref);
        if (c.deployment() == null) {
            cmd.out().println("nothing serves yet: the next deploy uses it");
            cmd.out().flush();
            return 0;
        }
        return DeployCommand.report(api, ref, c.deployment(), wait, OutputFormat.text, cmd);
    }
}
