package dev.cutover.server;

import dev.cutover.cli.CutoverCommand;
import dev.cutover.cli.StreamWriter;
import dev.cutover.server.demo.DemoCommand;
import picocli.CommandLine;

/** The {@code cutover} program: the CLI's commands plus {@code server} and {@code demo}, which run the roles here. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        // cutover exec passes the command's output on as bytes: binary output survives, and so does the split
        cl.setOut(StreamWriter.of(System.out));
        cl.setErr(StreamWriter.of(System.err));
        System.exit(cl.execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = CutoverCommand.commandLine();
        cl.addSubcommand("server", new ServerCommand());
        cl.addSubcommand("demo", new DemoCommand());
        cl.addSubcommand("router", new dev.cutover.router.standalone.RouterCommand());
        return CutoverCommand.withHelp(cl);
    }
}
