package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExecCommandTest {

    @Test
    void anExecTheNewServerDoesNotKnowIsSaidToHaveEndedWithTheOldOneNotToBeABadId() {
        CliException unknown = new CliException("execId: exec-1 (expected: a running or recent exec)",
                CliException.USAGE);

        CliException said = ExecCommand.lost(unknown, "exec-1", true);

        assertThat(said.exitCode()).isEqualTo(CliException.API);
        assertThat(said.getMessage()).isEqualTo("exec exec-1 ended with the server that ran it (its output above is "
                + "all there is): a server that stops, or is replaced by a new one, ends the commands it runs (TERM, "
                + "then KILL after 5 s); run it again once the server is back");
    }

    @Test
    void anotherErrorIsLeftAsItIs() {
        CliException other = new CliException("internal error", CliException.API);

        assertThat(ExecCommand.lost(other, "exec-1", true)).isSameAs(other);
    }
}
