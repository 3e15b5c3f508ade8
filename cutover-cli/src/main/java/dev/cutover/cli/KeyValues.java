package dev.cutover.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code KEY=VALUE} arguments ({@code config set}, {@code --set}): each key once, in the order given. */
final class KeyValues {

    private KeyValues() {}

    /**
     * @param option   the option the arguments came with, named at the start of each error; null for arguments of
     *                 the command itself, whose errors start with the argument or the key
     * @param expected what a well-formed argument is, for the error about a malformed one
     * @param each     what a key is called, for the error about a key given twice ("key", "parameter")
     * @throws CliException (usage) naming the first argument without a key or an '=', or the first key given twice
     */
    static Map<String, String> parse(List<String> args, String option, String expected, String each) {
        String prefix = option == null ? "" : option + ": ";
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || arg.substring(0, eq).isBlank()) {
                throw new CliException(prefix + "'" + arg + "' (expected: " + expected + ")", CliException.USAGE);
            }
            String key = arg.substring(0, eq);
            String earlier = values.put(key, arg.substring(eq + 1));
            if (earlier != null) {
                throw new CliException((option == null ? key + ":" : prefix + key) + " given twice ('" + key + "="
                        + earlier + "' and '" + arg + "'; expected: each " + each + " once)", CliException.USAGE);
            }
        }
        return values;
    }
}
