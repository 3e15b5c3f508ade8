package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DeployCommandTest {

    @Test
    void aBadVersionLabelIsRefusedBeforeAnythingIsBuiltOrUploaded(@TempDir Path app) {
        CommandLine cl = CutoverCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        // no server listens at this address: the error comes first
        int exit = cl.execute("deploy", app.toString(), "--to", "shop", "--version", "v 1", "--api",
                "http://127.0.0.1:9", "--token", "t");
        assertThat(exit).isEqualTo(CliException.USAGE);
        assertThat(err.toString()).contains("--version: 'v 1' (expected: up to 100 letters, digits and . _ + - /, "
                + "starting with a letter or digit) (nothing was built or uploaded)");
        assertThat(out.toString()).doesNotContain("uploaded");
    }
}
