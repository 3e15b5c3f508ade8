package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConfigCommandTest {

    @Test
    void aKeyGivenTwiceIsAUsageErrorBeforeAnythingIsSent() {
        CommandLine cl = CutoverCommand.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        // no server listens at this address: the error comes first
        int exit = cl.execute("config", "set", "shop", "GREETING=Hi", "MODE=fast", "GREETING=Bye", "--api",
                "http://127.0.0.1:9", "--token", "t");
        assertThat(exit).isEqualTo(CliException.USAGE);
        assertThat(err.toString()).contains("GREETING: given twice ('GREETING=Hi' and 'GREETING=Bye'; expected: "
                + "each key once)");
    }

    @Test
    void aValueIsListedSoThatItPastesBackIntoAShellOnOneLine() {
        assertThat(ConfigCommand.shown("postgres://u:p@db.local:5432/shop?x=1"))
                .isEqualTo("'postgres://u:p@db.local:5432/shop?x=1'");
        assertThat(ConfigCommand.shown("https://x.example/a-b_c.d,e+f%20=g"))
                .isEqualTo("https://x.example/a-b_c.d,e+f%20=g");
        assertThat(ConfigCommand.shown("grüße")).isEqualTo("grüße");
        assertThat(ConfigCommand.shown("")).isEqualTo("");
        assertThat(ConfigCommand.shown("hello world")).isEqualTo("'hello world'");
        assertThat(ConfigCommand.shown("plain value, with 'quotes' and \\"))
                .isEqualTo("'plain value, with '\\''quotes'\\'' and \\'");
        assertThat(ConfigCommand.shown("$(id)")).isEqualTo("'$(id)'");
        assertThat(ConfigCommand.shown("line1\nline2")).isEqualTo("$'line1\\nline2'");
        assertThat(ConfigCommand.shown("a\tb'c\\d\u0001")).isEqualTo("$'a\\tb\\'c\\\\d\\x01'");
    }
}
