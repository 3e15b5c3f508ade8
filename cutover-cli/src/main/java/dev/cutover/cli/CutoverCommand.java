package dev.cutover.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cutover} command and its subcommands that talk to the API. */
@Command(name = "cutover", mixinStandardHelpOptions = true, version = "cutover 0.1.0",
        description = "Self-hosted application delivery: deploy releases with zero downtime.",
        subcommands = {DeployCommand.class, PlanCommand.class, StatusCommand.class, ReleasesCommand.class, RollbackCommand.class,
                AbortCommand.class, SteerCommand.Promote.class, SteerCommand.Pause.class,
                SteerCommand.Resume.class, LogsCommand.class, ExecCommand.class, ConfigCommand.class,
                ScaleCommand.class, AppsCommand.class, HostsCommand.class, CommandLine.HelpCommand.class})
public final class CutoverCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code cutover} alone names no command: as {@code cutover config} alone, the usage on standard error, exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("Missing required subcommand");
        spec.commandLine().usage(spec.commandLine().getErr());
        return CliException.USAGE;
    }

    /** The command line with every API subcommand; the launcher adds {@code server} and {@code demo}. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CutoverCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return withHelp(cl);
    }

    /**
     * Arguments picocli cannot take (an unknown option, {@code -n abc}, {@code --output xml}): said as the commands say
     * what they refuse, {@code error: ...} and exit 2, with where the usage is rather than all of it; a command named
     * without its subcommand ({@code cutover config}) gets the usage, which is what it lacks.
     */
    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        java.io.PrintWriter err = failed.getErr();
        if (e.getMessage() != null && e.getMessage().startsWith("Missing required subcommand")) {
            err.println(e.getMessage());
            failed.usage(err);
        } else {
            err.println("error: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("(" + failed.getCommandSpec().qualifiedName() + " --help shows its usage)");
        }
        err.flush();
        return CliException.USAGE;
    }

    /**
     * Gives every subcommand of {@code cl}, at any depth, {@code -h}/{@code --help}, which prints its usage even when
     * its required arguments are missing. Not the standard options as a whole: {@code deploy --version} is a label.
     */
    public static CommandLine withHelp(CommandLine cl) {
        if (cl.getParent() == null) {
            cl.setParameterExceptionHandler(CutoverCommand::badArguments);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().optionsMap().get("--help") == null
                    && !(sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand)) {
                sub.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help and exit.").build());
            }
            withHelp(sub);
        }
        return cl;
    }
}
