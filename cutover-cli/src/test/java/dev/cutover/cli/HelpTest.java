package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {

    @Test
    void everyCommandPrintsItsUsageWithHelpEvenWithoutItsRequiredArguments() {
        List<String> paths = new ArrayList<>();
        collect(CutoverCommand.commandLine(), "", paths);
        assertThat(paths).contains("deploy", "config set", "scale", "logs");

        for (String path : paths) {
            for (String flag : new String[] {"--help", "-h"}) {
                CommandLine cl = CutoverCommand.commandLine();
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(err, true));
                List<String> args = new ArrayList<>(List.of(path.split(" ")));
                args.add(flag);
                int exit = cl.execute(args.toArray(String[]::new));
                assertThat(exit).as(path + " " + flag + ": " + err).isZero();
                assertThat(out.toString()).as(path).startsWith("Usage: cutover " + path);
                assertThat(err.toString()).as(path).isEmpty();
            }
        }
    }

    @Test
    void noCommandOrNoSubcommandIsAUsageErrorWithTheUsageOnStandardError() {
        for (String[] args : new String[][] {{}, {"config"}}) {
            CommandLine cl = CutoverCommand.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute(args);
            assertThat(exit).as(String.join(" ", args)).isEqualTo(CliException.USAGE);
            assertThat(out.toString()).isEmpty();
            assertThat(err.toString()).startsWith("Missing required subcommand").contains("Usage: cutover");
        }
    }

    @Test
    void argumentsPicocliCannotTakeAreAnErrorLikeAnyOtherWithWhereTheUsageIs() {
        CommandLine cl = CutoverCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("logs", "shop", "-n", "abc");
        assertThat(exit).isEqualTo(CliException.USAGE);
        assertThat(err.toString()).isEqualTo("error: Invalid value for option '--lines': 'abc' is not an int\n"
                + "(cutover logs --help shows its usage)\n");
        assertThat(out.toString()).isEmpty();
    }

    private static void collect(CommandLine cl, String prefix, List<String> into) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                return;
            }
            String path = prefix.isEmpty() ? name : prefix + " " + name;
            into.add(path);
            collect(sub, path, into);
        });
    }
}
