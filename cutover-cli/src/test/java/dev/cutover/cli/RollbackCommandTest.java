package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RollbackCommandTest {

    /** Release 2 labelled v1 (a config change of v1), release 3 labelled v2, as `cutover releases` lists them. */
    private static final String RELEASES = """
            [{"number": 3, "version": "v2", "build": "%1$s", "configRevision": 1, "kind": "deploy",
              "serving": true, "createdAt": "2026-12-06T07:00:00Z"},
             {"number": 2, "version": "v1", "build": "%1$s", "configRevision": 1, "kind": "config",
              "serving": false, "createdAt": "2026-12-06T06:00:00Z"},
             {"number": 1, "version": "v1", "build": "%1$s", "configRevision": 0, "kind": "deploy",
              "serving": false, "createdAt": "2026-12-06T05:00:00Z"}]
            """.formatted("ab".repeat(32));

    @Test
    void aReleaseNumberThatIsAlsoAnotherReleasesLabelIsRefusedAndBothAreNamed() throws Exception {
        HttpServer api = JsonServer.answering(0, 200, RELEASES);
        try {
            StringWriter err = new StringWriter();
            int exit = run(api, err, "rollback", "shop", "--to", "v2");

            assertThat(exit).isEqualTo(CliException.USAGE);
            assertThat(err.toString()).contains("error: --to: 'v2' is ambiguous: it names release v2 (version v1), and "
                    + "it is the version label of v3 (expected: --to 2 for release v2, or --to 3 for the release "
                    + "labelled v2)");
        } finally {
            api.stop(0);
        }
    }

    private static int run(HttpServer api, StringWriter err, String... args) {
        CommandLine cl = CutoverCommand.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--api";
        all[args.length + 1] = "http://127.0.0.1:" + api.getAddress().getPort();
        all[args.length + 2] = "--token";
        all[args.length + 3] = "t";
        return cl.execute(all);
    }
}
